"""Point the private (CV) and public (booth media) storages at a temporary folder for a test.

The CV field's storage is built once, when the model loads, so overriding PRIVATE_MEDIA_ROOT
in settings does not move it: use_private_root swaps the fields' storages instead. Fixtures
that call these live in tests/booths/conftest.py and in the accounts test modules."""

from django.core.files.storage import FileSystemStorage, default_storage


def use_private_root(tmp_path, monkeypatch):
    from accounts.models import TalentProfile
    from jobs.models import Application

    root = tmp_path / "private"
    storage = FileSystemStorage(location=root)
    for model in (TalentProfile, Application):
        monkeypatch.setattr(model._meta.get_field("cv"), "storage", storage)
    return root


def use_media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert default_storage.location == str(tmp_path / "media")
    return tmp_path / "media"
