"""tintuc_plugins: the Pelican plugins of Tin tức, one package each (installed from plugins/).

Pelican loads them by these names (`PLUGINS` in pelicanconf.py); every other module imports
them the same way, so no plugin module is ever loaded twice under two names.
"""
