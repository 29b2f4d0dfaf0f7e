"""The API's routes, one module per area: lookup and check, articles and clusters, the
service (stats, health, metrics), and the web page."""
