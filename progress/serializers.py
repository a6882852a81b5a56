"""The JSON of the progress API (GET /api/v1/plans/<code>/progress/?year=Y), built from snapshots only."""

from rest_framework import serializers


class BlankAsNullField(serializers.CharField):
    """A choice left blank ("no trajectory yet") is null in the JSON, not ""."""

    def to_representation(self, value):
        return value or None


class TargetSerializer(serializers.Serializer):
    op = BlankAsNullField(source="target_op")
    low = serializers.FloatField(source="target_low")
    high = serializers.FloatField(source="target_high")
    text = serializers.CharField(source="target_text")


class IndicatorProgressSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    target = TargetSerializer(source="*")
    actual = serializers.FloatField()
    status = serializers.CharField()
    explanation = serializers.CharField()
    percent_of_target = serializers.FloatField()
    trajectory = BlankAsNullField()
    last_value_at = serializers.DateField()


class TaskProgressSerializer(serializers.Serializer):
    code = serializers.CharField(source="task.code")
    status = serializers.CharField()
    due = serializers.DateField()
    progress = serializers.FloatField()
    explanation = serializers.CharField()


class SectionProgressSerializer(serializers.Serializer):
    section = serializers.CharField()
    counts = serializers.JSONField()
    share_achieved = serializers.FloatField()


class PlanProgressSerializer(serializers.Serializer):
    """{"plan", "year", "as_of", "computed_at", "indicators", "tasks", "sections", "plan_rollup"} of one
    plan and year; `instance` is {"plan": Plan, "year": int, "snapshot": progress.selectors.YearSnapshot}."""

    plan = serializers.CharField(source="plan.code")
    year = serializers.IntegerField()
    as_of = serializers.DateField(source="snapshot.as_of")
    computed_at = serializers.DateTimeField(source="snapshot.computed_at")
    indicators = IndicatorProgressSerializer(source="snapshot.indicators", many=True)
    tasks = TaskProgressSerializer(source="snapshot.tasks", many=True)
    sections = SectionProgressSerializer(source="snapshot.sections", many=True)
    plan_rollup = serializers.SerializerMethodField()

    def get_plan_rollup(self, instance) -> dict:
        rollup = instance["snapshot"].plan_rollup
        return {"counts": rollup.counts if rollup else {},
                "share_achieved": float(rollup.share_achieved) if rollup and rollup.share_achieved is not None
                else None}
