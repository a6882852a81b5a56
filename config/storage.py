"""Static files storage: WhiteNoise's compressed, hashed-name storage, tolerant of a tree never collected.

In production `collectstatic` has written the manifest and every `{% static %}` is a hashed, cacheable name.
A developer's tree or a test run has no manifest: the file is then served by its plain name rather than the
page failing with "Missing staticfiles manifest entry".
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        if content is None and not self.exists(self.clean_name(filename or name)):
            return name  # not collected here: the plain name (the finders serve it in DEBUG)
        return super().hashed_name(name, content, filename)
