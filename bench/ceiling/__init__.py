"""The framework ceiling: the smallest Django project served like Stockroom (gunicorn + uvicorn
workers, same worker count), one view answering a fixed JSON body. Nothing in it touches a
database, a cache or a template, so its requests/s is what this machine's Django can serve at
most; every read scenario is reported as a fraction of it."""
