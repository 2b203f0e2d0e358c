import pytest

from tests.booths.storage import use_media_root, use_private_root


@pytest.fixture
def media_root(tmp_path, settings):
    return use_media_root(tmp_path, settings)


@pytest.fixture
def private_root(tmp_path, monkeypatch):
    return use_private_root(tmp_path, monkeypatch)
