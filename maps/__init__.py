"""folium maps from plain data, with offline Leaflet assets. Imports routing types only."""
