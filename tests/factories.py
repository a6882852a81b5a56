"""factory_boy factories for the foundation models. Apps above add their own in tests/<app>/factories.py."""

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, Membership, Province
from indicators.models import Baseline, Indicator, Target
from plans.models import Appendix, Plan, Project, Section, Task


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    name = "Đồng Tháp"
    code = "dong-thap"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="vi_VN")
    password = factory.PostGenerationMethodCall("set_password", "matkhau-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.REPORTER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"ke-hoach-{n}")
    title = factory.Sequence(lambda n: f"Kế hoạch thử nghiệm {n}")
    start_year = 2026
    end_year = 2030
    status = Plan.Status.ACTIVE


class AppendixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appendix

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: f"A{n}")
    kind = Appendix.Kind.INDICATORS


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    code = "I"
    title = "HẠ TẦNG VIỄN THÔNG - INTERNET"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"I.{n}")
    order = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Tỷ lệ thử nghiệm {n}")
    unit = "%"
    value_type = Indicator.ValueType.PERCENT


class BaselineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baseline

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    value = 50
    text = "50"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2026
    op = Target.Op.GTE
    low = 90
    text = "≥ 90"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"II.{n}")
    order = factory.Sequence(int)
    content = factory.Sequence(lambda n: f"Nhiệm vụ thử nghiệm {n}")
    deadline_kind = Task.DeadlineKind.YEAR_RANGE
    deadline_text = "2026 - 2030"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"P.{n}")
    name = factory.Sequence(lambda n: f"Dự án thử nghiệm {n}")
