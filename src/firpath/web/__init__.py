"""The web pages: server-rendered HTML (Jinja2, autoescaped) on the services the API uses,
behind the same accounts and roles."""
