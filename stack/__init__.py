"""Running the whole platform on one machine: embedded servers, processes, demo data."""
