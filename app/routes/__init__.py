"""HTTP routes: the page (pages.py) and the REST API (api.py)."""
