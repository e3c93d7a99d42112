"""Plan the day: a Qt-free session (`session`) observed by the page (`page`), which contains
its widgets (`layout`), item models (`models`), the map's data (`map_data`) and menus."""
