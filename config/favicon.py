"""/favicon.ico: browsers ask for it at the root whatever the page links; answered from static/."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


@require_GET
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    try:
        return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    except FileNotFoundError:
        raise Http404 from None
