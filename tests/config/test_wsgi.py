import gc
import importlib


def test_the_wsgi_module_freezes_what_start_up_built():
    import config.wsgi

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        importlib.reload(config.wsgi)
        assert gc.get_freeze_count() > 10_000  # Django's modules, settings and URL patterns, not a handful
    finally:
        gc.unfreeze()
