"""Content folders and settings the theme's tests build with."""
