"""NiceGUI pages and components of ringboard."""
