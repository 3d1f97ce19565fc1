"""`contractgen serve`: the local web interview (Flask app in app.py, served by waitress)."""
