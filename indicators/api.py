"""Read-only plans API (/api/v1/): the list of a user's plans, a plan as JSON, and token login.

A user sees the plans of its own province (staff, leader, reporter, agency head alike); any other plan
is answered 404, never 403, so the API does not reveal which plan codes exist elsewhere.
"""

from django.contrib.auth import authenticate
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from indicators.exporting import plan_to_json_bytes
from plans.models import Plan

# Token first: an anonymous request then gets 401 with "WWW-Authenticate: Token", as API clients expect.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class PlanSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["code", "title", "number", "start_year", "end_year", "status"]


class PlanListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]
    serializer_class = PlanSummarySerializer
    pagination_class = None

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).order_by("-start_year", "title", "code")


class PlanDetailView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    def get(self, request, code: str):
        plan = Plan.objects.visible_to(request.user).filter(code=code).first()
        if plan is None:
            raise Http404(_("Không có kế hoạch này."))
        # The exact bytes of `export_plan --format json`: no re-rendering through DRF.
        return HttpResponse(plan_to_json_bytes(plan), content_type="application/json; charset=utf-8")


class VietnameseAuthTokenSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Tên đăng nhập"), write_only=True,
                                     error_messages={"required": _("Vui lòng nhập tên đăng nhập."),
                                                     "blank": _("Vui lòng nhập tên đăng nhập.")})
    password = serializers.CharField(label=_("Mật khẩu"), style={"input_type": "password"}, trim_whitespace=False,
                                     write_only=True,
                                     error_messages={"required": _("Vui lòng nhập mật khẩu."),
                                                     "blank": _("Vui lòng nhập mật khẩu.")})

    def validate(self, attrs):
        user = authenticate(request=self.context.get("request"), username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("Tên đăng nhập hoặc mật khẩu không đúng."), code="authorization")
        attrs["user"] = user
        return attrs


class TokenLoginView(ObtainAuthToken):
    """POST username and password → {"token": "…"}; send it back as "Authorization: Token …"."""

    serializer_class = VietnameseAuthTokenSerializer
