"""Who is calling: passwords, access tokens, login sessions, API tokens and the login rate limiter."""
