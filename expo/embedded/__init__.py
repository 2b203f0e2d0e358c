"""The embedded mode's `runserver` (listed before daphne in INSTALLED_APPS, since the first
app providing a command wins): the site's address for links, and the beat schedule in-process.
"""
