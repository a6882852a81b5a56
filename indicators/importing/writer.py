"""Writes a parsed plan: plan, appendices, sections, items, agencies, baselines and targets, set-based."""

from collections import defaultdict

from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.matching import expand_abbreviations
from agencies.models import Agency, Province
from agencies.text import fold
from indicators.importing.agencies import AgencyResolver, guess_kind
from indicators.importing.bulk import insert_objects, insert_rows
from indicators.importing.parsed import Issue, ParsedPlan
from indicators.importing.report import KIND_LABELS, ImportReport, RowReport, fmt, target_text
from indicators.models import Baseline, Indicator, Target
from plans.models import Appendix, Project, Result, Section, Task
from plans.services import plan_upsert
from plans.signals import item_history


class PlanWriter:
    def __init__(self, *, parsed: ParsedPlan, province: Province, code: str, report: ImportReport,
                 resolver: AgencyResolver, dry_run: bool, appendix_scope: set[str] | None,
                 archive_missing: bool = False) -> None:
        self.parsed = parsed
        self.province = province
        self.code = code
        self.report = report
        self.resolver = resolver
        self.dry_run = dry_run
        self.scope = appendix_scope
        self.archive_missing = archive_missing
        self.now = timezone.now()
        self.created_pks: dict[str, set[int]] = {}
        self.labels = _RowLabels()

    def run(self) -> None:
        created = self.resolver.create_unknown(self.dry_run)
        if created:
            self.report.counts["agencies"].add("created", created)
            for name, issue in self.resolver.unknown.values():
                self.report.rows.append(RowReport("agencies", "", issue.line, issue.where, "created",
                                                  f"{expand_abbreviations(name)} ({Agency.Kind(guess_kind(name)).label})"))
        parsed = self.parsed
        plan, action, _changed = plan_upsert(
            province=self.province, code=self.code, title=parsed.title, number=parsed.number,
            issued=parsed.issued, start_year=parsed.start_year, end_year=parsed.end_year,
            source_document=parsed.source, dry_run=self.dry_run,
            # Sở KH&CN follows every plan (DESIGN.md): the default monitoring agency.
            monitoring_agency=self.resolver.directory.match("Sở Khoa học và Công nghệ"))
        self.report.counts["plan"].add(action)
        self.plan = plan
        self.is_new = plan.pk is None
        if self.scope is not None and not self.is_new:
            self.avoid_codes_of_other_appendices()
        self.appendices = self.sync_appendices()
        self.sections = self.sync_sections()
        self.task_ids = self.sync_items(Task, "tasks", parsed.tasks, self.task_values,
                                        {"lead_agencies": "lead", "coordinating_agencies": "coordinating"},
                                        self.task_summary)
        self.indicator_ids = self.sync_items(Indicator, "indicators", parsed.indicators, self.indicator_values,
                                             {"lead_agencies": "lead", "coordinating_agencies": "coordinating"},
                                             self.indicator_summary)
        self.sync_baselines_and_targets()
        self.sync_items(Project, "projects", parsed.projects, self.project_values, {"investors": "investors"},
                        self.project_summary)
        self.sync_items(Result, "results", parsed.results, self.result_values, {}, self.result_summary)

    def avoid_codes_of_other_appendices(self) -> None:
        """One appendix imported on its own into a plan that has others: item codes are unique in the plan, so
        a code another appendix already uses gets the appendix's prefix ("PLII.1"), the same on every re-import."""
        renamed_tasks: dict[str, str] = {}
        for model, kind in ((Task, "tasks"), (Indicator, "indicators"), (Project, "projects"), (Result, "results")):
            taken = set(model.objects.filter(plan=self.plan).exclude(appendix__number__in=self.scope)
                        .values_list("code", flat=True))
            clashing = [item for item in self.parsed.items()[kind] if item.code in taken]
            for item in clashing:
                new_code = f"PL{item.appendix}.{item.code}"
                if kind == "tasks":
                    renamed_tasks[item.code] = new_code
                item.code = new_code
            if clashing:
                self.report.warnings.append(Issue(_(
                    "Mã {codes} đã có ở phụ lục khác của kế hoạch: các {kind} này của Phụ lục {n} mang mã có tiền tố "
                    "“PL{n}.”.").format(codes=", ".join(i.code.split(".", 1)[1] for i in clashing[:10]),
                                        kind=KIND_LABELS[kind], n=clashing[0].appendix)))
        for indicator in self.parsed.indicators:
            if indicator.task_code in renamed_tasks:
                indicator.task_code = renamed_tasks[indicator.task_code]

    # Appendices and sections ---------------------------------------------------------------
    def sync_appendices(self) -> dict[str, Appendix]:
        existing = {} if self.is_new else {a.number: a for a in Appendix.objects.filter(plan=self.plan)}
        to_create, to_update = [], []
        result = {}
        for parsed in self.parsed.appendices:
            appendix = existing.pop(parsed.number, None)
            wanted = {"title": parsed.title[:500], "kind": parsed.kind, "order": parsed.order}
            if appendix is None:
                appendix = Appendix(plan=self.plan, number=parsed.number, **wanted)
                to_create.append(appendix)
                self.report.counts["appendices"].add("created")
            elif any(getattr(appendix, k) != v for k, v in wanted.items()):
                if self.scope is not None:
                    wanted.pop("order")
                for k, v in wanted.items():
                    setattr(appendix, k, v)
                to_update.append(appendix)
                self.report.counts["appendices"].add("updated")
            else:
                self.report.counts["appendices"].add("unchanged")
            result[parsed.number] = appendix
        stale = [a for a in existing.values() if self.scope is None]
        self.report.counts["appendices"].add("removed", len(stale))
        if not self.dry_run:
            Appendix.objects.bulk_create(to_create)
            if to_update:
                Appendix.objects.bulk_update(to_update, ["title", "kind", "order"])
            if stale:
                Appendix.objects.filter(pk__in=[a.pk for a in stale]).delete()
        return result

    def _section_paths(self) -> dict[tuple, tuple]:
        by_key = {s.key: s for s in self.parsed.sections}
        paths = {}
        for section in self.parsed.sections:
            titles, node = [], section
            while node is not None:
                titles.append(fold(node.title))
                node = by_key.get(node.parent_key) if node.parent_key else None
            paths[section.key] = (section.appendix or "", *titles[::-1])
        return paths

    def sync_sections(self) -> dict[tuple, Section]:
        paths = self._section_paths()
        existing: dict[tuple, Section] = {}
        if not self.is_new:
            rows = list(Section.objects.filter(plan=self.plan).select_related("appendix"))
            by_id = {s.pk: s for s in rows}
            for section in rows:
                titles, node = [], section
                while node is not None:
                    titles.append(fold(node.title))
                    node = by_id.get(node.parent_id)
                number = section.appendix.number if section.appendix else ""
                if self.scope is None or number in self.scope:
                    existing[(number, *titles[::-1])] = section
        result: dict[tuple, Section] = {}
        to_update = []
        levels: dict[int, list[Section]] = defaultdict(list)
        for order, parsed in enumerate(self.parsed.sections):
            path = paths[parsed.key]
            section = existing.pop(path, None)
            appendix = self.appendices.get(parsed.appendix) if parsed.appendix else None
            parent = result.get(parsed.parent_key) if parsed.parent_key else None
            if section is None:
                section = Section(plan=self.plan, appendix=appendix, parent=parent, code=parsed.code[:20],
                                  title=parsed.title[:500], order=order)
                levels[len(path)].append(section)
                self.report.counts["sections"].add("created")
            elif section.code != parsed.code[:20] or section.order != order:
                section.code, section.order = parsed.code[:20], order
                to_update.append(section)
                self.report.counts["sections"].add("updated")
            else:
                self.report.counts["sections"].add("unchanged")
            result[parsed.key] = section
        self.report.counts["sections"].add("removed", len(existing))
        if not self.dry_run:
            for depth in sorted(levels):
                for section in levels[depth]:
                    # The parent was created at the previous level: refresh the id Django cached.
                    section.parent = section.parent
                    section.appendix = section.appendix
                Section.objects.bulk_create(levels[depth])
            if to_update:
                Section.objects.bulk_update(to_update, ["code", "order"])
            if existing:
                Section.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()
        return result

    # Items ---------------------------------------------------------------------------------
    def common(self, item) -> dict:
        appendix = self.appendices.get(item.appendix) if item.appendix else None
        section = self.sections.get(item.section_key) if item.section_key else None
        return {"appendix_id": appendix.pk if appendix else None, "section_id": section.pk if section else None,
                "order": item.order, "note": item.note, "archived_at": None}

    def sync_items(self, model, kind: str, items: list, values_of, m2m: dict[str, str], summary_of) -> dict[str, int]:
        scope_filter = {}
        if self.scope is not None:
            scope_filter = {"appendix__number__in": self.scope}
            items = [i for i in items if i.appendix in self.scope]
        existing = {} if self.is_new else {o.code: o for o in model.objects.filter(plan=self.plan, **scope_filter)}
        current_m2m: dict[str, dict[int, set]] = {}
        for name in m2m:
            current_m2m[name] = defaultdict(set)
            if existing:
                through = model._meta.get_field(name).remote_field.through
                owner = f"{model._meta.model_name}_id"
                for owner_id, agency_id in through.objects.filter(
                        **{f"{owner}__in": [o.pk for o in existing.values()]}).values_list(owner, "agency_id"):
                    current_m2m[name][owner_id].add(agency_id)
        to_create, to_update, update_fields, wanted_m2m = [], [], set(), []
        for item in items:
            wanted = values_of(item)
            changes: list[str] = []
            obj = existing.pop(item.code, None)
            agencies = {name: self.resolver.ids(self._agencies(getattr(item, attribute), item))
                        for name, attribute in m2m.items()}
            if obj is None:
                obj = model(plan=self.plan, code=item.code, **wanted)
                if not self.dry_run:
                    obj.plan_id = self.plan.pk
                to_create.append(obj)
                action = "created"
            else:
                changed = [f for f, v in wanted.items() if getattr(obj, f) != v]
                m2m_changed = any(current_m2m[name].get(obj.pk, set()) != ids for name, ids in agencies.items())
                for f in changed:
                    setattr(obj, f, wanted[f])
                if changed:
                    to_update.append(obj)
                    update_fields.update(changed)
                action = "updated" if changed or m2m_changed else "unchanged"
                changes = [str(model._meta.get_field(f.removesuffix("_id")).verbose_name) for f in changed]
                changes += [str(model._meta.get_field(name).verbose_name) for name, ids in agencies.items()
                            if current_m2m[name].get(obj.pk, set()) != ids]
            item._action = action
            wanted_m2m.append((obj, agencies))
            self.report.rows.append(RowReport(kind, item.code, item.line,
                                              self.labels.appendix.format(n=item.appendix) if item.appendix else "",
                                              action, summary_of(item), changes if action == "updated" else [],
                                              item=item))
        stale, to_archive = self.keep_reported(model, kind, list(existing.values()))
        if not self.dry_run:
            insert_objects(model, to_create, key="code", scope={"plan_id": self.plan.pk})
        created_pks = {obj.pk for obj in to_create if obj.pk is not None}
        self.created_pks[kind] = created_pks
        if not self.dry_run:
            if to_update:
                model.objects.bulk_update(to_update, sorted(update_fields))
            if to_archive:
                model.objects.filter(pk__in=[o.pk for o in to_archive]).update(archived_at=self.now)
            if stale:
                try:
                    model.objects.filter(pk__in=[o.pk for o in stale]).delete()
                except ProtectedError:
                    self.report.errors.append(Issue(_("Không thể xóa {kind} đã có báo cáo: {codes}.").format(
                        kind=KIND_LABELS[kind], codes=", ".join(o.code for o in stale))))
            for name in m2m:
                through = model._meta.get_field(name).remote_field.through
                owner = f"{model._meta.model_name}_id"
                changed_objs = [(obj, agencies[name]) for obj, agencies in wanted_m2m
                                if current_m2m[name].get(obj.pk, set()) != agencies[name]]
                if not changed_objs:
                    continue
                # Links of the items created just now cannot exist yet: only the others' are replaced.
                replaced = [o.pk for o, _ids in changed_objs if o.pk not in created_pks]
                if replaced:
                    through.objects.filter(**{f"{owner}__in": replaced}).delete()
                insert_rows(through, (owner, "agency_id"),
                            [(obj.pk, agency_id) for obj, ids in changed_objs for agency_id in sorted(ids)])
        for item in items:
            self.report.counts[kind].add(item._action)
        self.report.counts[kind].add("removed", len(stale))
        self.report.counts[kind].add("archived", len(to_archive))
        return {obj.code: obj.pk for obj, _agencies in wanted_m2m}

    def history_of(self, model, ids: list[int]) -> dict[int, list[tuple[int | None, str]]]:
        """What the layers above hold for these items (report values, progress), by item id."""
        found: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
        if not ids:
            return found
        for _receiver, answer in item_history.send(sender=model, ids=ids):
            for pk, notes in (answer or {}).items():
                found[pk].extend(notes)
        return found

    def keep_reported(self, model, kind: str, stale: list) -> tuple[list, list]:
        """Split the items the document no longer lists into (to delete, to archive). An item with reported values
        or progress is never deleted: without `archive_missing` each is an error naming it and its reports."""
        if model not in (Indicator, Task):
            return stale, []
        history = self.history_of(model, [o.pk for o in stale])
        kept = [o for o in stale if o.pk in history]
        if kept and not self.archive_missing:
            for obj in kept:
                self.report.errors.append(Issue(_(
                    "{kind} {code} “{name}” không còn trong văn bản nhưng đã có số liệu: {reports}. Không xóa mục đã "
                    "có báo cáo: thêm lại mục này vào văn bản, hoặc nhập lại và chọn lưu trữ các mục không còn trong "
                    "văn bản (--archive-missing) để giữ mục cùng lịch sử, không đưa vào báo cáo mới.").format(
                    kind=KIND_LABELS[kind].capitalize(), code=obj.code, name=_item_name(obj)[:80],
                    reports="; ".join(note for _year, note in history[obj.pk]))))
        to_archive = []
        for obj in kept:
            if obj.archived_at is None:
                to_archive.append(obj)
                self.report.rows.append(RowReport(kind, obj.code, None, "", "archived", _item_name(obj)[:70], [
                    "; ".join(note for _year, note in history[obj.pk])]))
        return [o for o in stale if o.pk not in history], to_archive

    def _agencies(self, values, item) -> list:
        if values is None:
            return []
        if isinstance(values, str):
            values = [values]
        issue = Issue("", item.line)
        return [agency for text in values for agency in self.resolver.names(text, issue)]

    def task_values(self, task) -> dict:
        partner = self.resolver.ids(self._agencies(task.partner, task)) if task.partner else set()
        partner_id = next(iter(partner), None)
        return {**self.common(task), "content": task.content, "deadline_kind": task.deadline_kind,
                "deadline_text": task.deadline_text[:255], "start_date": task.start_date, "due_date": task.due_date,
                "expected_result": task.expected_result,
                "partner_id": partner_id if isinstance(partner_id, int) else None}

    def indicator_values(self, indicator) -> dict:
        task_id = self.task_ids.get(indicator.task_code) if indicator.task_code else None
        return {**self.common(indicator), "name": indicator.name, "unit": indicator.unit[:60],
                "value_type": indicator.value_type, "direction": indicator.direction,
                "aggregation": indicator.aggregation, "task_id": task_id}

    def project_values(self, project) -> dict:
        return {**self.common(project), "name": project.name, "total_investment": project.total_investment,
                "investment_unit": project.investment_unit[:40], "funding_source": project.funding_source[:500],
                "start_year": project.start_year, "end_year": project.end_year, "status": project.status[:255]}

    def result_values(self, result) -> dict:
        return {**self.common(result), "target_text": result.target_text, "year": result.year,
                "status": result.status, "result_text": result.result_text}

    # Baselines and targets -----------------------------------------------------------------
    def sync_baselines_and_targets(self) -> None:
        items = self.parsed.indicators
        if self.scope is not None:
            items = [i for i in items if i.appendix in self.scope]
        # Indicators created by this import have no baseline or target yet: only the others' are looked up.
        created = self.created_pks.get("indicators", set())
        ids = [pk for pk in self.indicator_ids.values() if pk and pk not in created]
        baselines = {b.indicator_id: b for b in Baseline.objects.filter(indicator_id__in=ids)} if ids else {}
        targets = {(t.indicator_id, t.year): t for t in Target.objects.filter(indicator_id__in=ids)} if ids else {}
        new_baselines, changed_baselines, new_targets, changed_targets = [], [], [], []
        keep_baselines, keep_targets = set(), set()
        counts = self.report.counts["targets"]
        rows = {row.code: row for row in self.report.rows if row.kind == "indicators"}
        stale_years = defaultdict(list)
        wanted_years = {(self.indicator_ids.get(i.code), t.year) for i in items for t in i.targets}
        for (pk, year) in targets:
            if (pk, year) not in wanted_years:
                stale_years[pk].append(year)
        for item in items:
            pk = self.indicator_ids.get(item.code)
            touched = bool(stale_years.get(pk))
            changes = [_("bỏ mục tiêu năm {year}").format(year=year) for year in sorted(stale_years.get(pk, []))]
            if item.baseline:
                year, value, text = item.baseline
                baseline = baselines.get(pk)
                if baseline is None:
                    new_baselines.append((pk, year, value, text))
                    touched = True
                elif (baseline.year, baseline.value, baseline.text) != (year, value, text):
                    changes.append(_("hiện trạng: {old} → {new}").format(old=baseline.text, new=text))
                    baseline.year, baseline.value, baseline.text = year, value, text
                    changed_baselines.append(baseline)
                    touched = True
                keep_baselines.add(pk)
            elif pk in baselines:
                touched = True
            for target in item.targets:
                current = targets.get((pk, target.year))
                wanted = (target.op, target.low, target.high, target.text)
                if current is None:
                    new_targets.append((pk, target.year, target.op, target.low, target.high, target.text))
                    counts.add("created")
                    touched = True
                elif (current.op, current.low, current.high, current.text) != wanted:
                    changes.append(_("mục tiêu năm {year}: {old} → {new}").format(
                        year=target.year, old=target_text(current), new=target_text(target)))
                    current.op, current.low, current.high, current.text = wanted
                    changed_targets.append(current)
                    counts.add("updated")
                    touched = True
                else:
                    counts.add("unchanged")
                keep_targets.add((pk, target.year))
            if touched and getattr(item, "_action", "") == "unchanged":
                item._action = "updated"
                self.report.counts["indicators"].unchanged -= 1
                self.report.counts["indicators"].updated += 1
                if item.code in rows:
                    rows[item.code].action = "updated"
            if item.code in rows and changes:
                rows[item.code].action = "updated"
                rows[item.code].changes.extend(changes)
        stale_targets = [t for key, t in targets.items() if key not in keep_targets]
        stale_targets = self.keep_reported_targets(stale_targets)
        stale_baselines = [b for pk, b in baselines.items() if pk not in keep_baselines]
        counts.add("removed", len(stale_targets))
        if self.dry_run:
            return
        if stale_targets:
            Target.objects.filter(pk__in=[t.pk for t in stale_targets]).delete()
        if stale_baselines:
            Baseline.objects.filter(pk__in=[b.pk for b in stale_baselines]).delete()
        insert_rows(Baseline, ("indicator_id", "year", "value", "text"), new_baselines)
        if changed_baselines:
            Baseline.objects.bulk_update(changed_baselines, ["year", "value", "text"])
        insert_rows(Target, ("indicator_id", "year", "op", "low", "high", "text"), new_targets)
        if changed_targets:
            Target.objects.bulk_update(changed_targets, ["op", "low", "high", "text"])

    def keep_reported_targets(self, stale: list) -> list:
        """A yearly target the document dropped is deleted only when no value was reported for that year."""
        history = self.history_of(Indicator, sorted({t.indicator_id for t in stale}))
        codes = {pk: code for code, pk in self.indicator_ids.items()}
        deletable = []
        for target in stale:
            notes = [note for year, note in history.get(target.indicator_id, []) if year in (None, target.year)]
            if not notes:
                deletable.append(target)
                continue
            message = _("Chỉ tiêu {code}: văn bản không còn mục tiêu năm {year} nhưng năm này đã có số liệu ({notes})."
                        ).format(code=codes.get(target.indicator_id, ""), year=target.year, notes="; ".join(notes))
            if self.archive_missing:
                self.report.warnings.append(Issue(message + " " + _("Giữ nguyên mục tiêu năm đó.")))
            else:
                self.report.errors.append(Issue(message + " " + _(
                    "Không xóa: thêm lại mục tiêu năm này, hoặc nhập lại và chọn lưu trữ các mục không còn trong văn "
                    "bản (--archive-missing) để giữ nguyên.")))
        return deletable

    # One-line summaries for the report -------------------------------------------------------
    def indicator_summary(self, item) -> str:
        targets = "; ".join(f"{t.year}: {target_text(t)}" for t in item.targets)
        baseline = ""
        if item.baseline:
            year, value, text = item.baseline
            baseline = self.labels.baseline.format(year=f" {year}" if year else "",
                                                   value=fmt(value) if value is not None else text[:40])
        parts = [item.name[:70], item.unit, baseline, targets,
                 self.labels.lead.format(names="; ".join(item.lead)) if item.lead else ""]
        return " | ".join(p for p in parts if p)

    def task_summary(self, item) -> str:
        deadline = f"{item.deadline_text} → {item.deadline_kind}"
        if item.due_date:
            deadline += f" {item.due_date:%d/%m/%Y}"
        parts = [item.content[:70], deadline, _("chủ trì: {names}").format(names="; ".join(item.lead)) if item.lead
                 else "", _("đối tác: {name}").format(name=item.partner) if item.partner else ""]
        return " | ".join(p for p in parts if p)

    def project_summary(self, item) -> str:
        money = f"{fmt(item.total_investment)} {item.investment_unit}" if item.total_investment is not None else ""
        years = f"{item.start_year}–{item.end_year}" if item.start_year else ""
        return " | ".join(p for p in [item.name[:70], money, years, "; ".join(item.investors)] if p)

    def result_summary(self, item) -> str:
        return " | ".join(p for p in [item.target_text[:70], str(item.year), item.status] if p)



class _RowLabels:
    """The words of every report row, translated once per import rather than once per row (5,000 rows, issue 14)."""

    def __init__(self) -> None:
        self.appendix = _("Phụ lục {n}")
        self.baseline = _("hiện trạng{year} {value}")
        self.lead = _("chủ trì: {names}")


def _item_name(obj) -> str:
    return getattr(obj, "name", "") or getattr(obj, "content", "") or getattr(obj, "target_text", "")
