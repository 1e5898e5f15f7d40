"""The smallest Flask app, served as the yardstick the site's throughput is compared with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """A fixed greeting: what Flask and gunicorn cost with no work of our own."""
    return "Hello, World!"
