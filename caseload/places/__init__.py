"""Shared places for unsheltered clients: shelters, camps, day centres, libraries, bus
stations, with opening hours; a client's usual places link them with times of day."""
