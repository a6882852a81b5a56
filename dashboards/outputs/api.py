"""GET /api/v1/plans/<code>/open-data/?year=YYYY: the open-data figures as JSON, for other systems (the IOC).

Read with a token of a "system" account (`create_user … --role system`) of the plan's province, or by its
staff and leaders; anyone else gets 404 (the API does not confirm the plan exists), anonymous 401.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.roles import OPEN_DATA_READER_ROLES
from dashboards.outputs.open_data import OpenDataError, feed, open_data
from plans.models import Plan


class OpenDataFeedView(APIView):
    # Token first: an anonymous request gets 401 with "WWW-Authenticate: Token".
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request, code: str):
        plan = (Plan.objects.visible_to(request.user, *OPEN_DATA_READER_ROLES).select_related("province")
                .filter(code=code).first())
        if plan is None:
            raise Http404
        year_text = request.query_params.get("year", "")
        if year_text and not year_text.isdigit():
            return Response({"detail": _("Năm “%(year)s” không hợp lệ.") % {"year": year_text}},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            data = open_data(plan=plan, year=int(year_text) if year_text else None)
        except OpenDataError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(feed(data))
