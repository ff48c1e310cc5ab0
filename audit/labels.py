"""What the auditor reads instead of codes: every action code and every detail key as a
translated label. The one mapping; tests/audit/test_labels.py checks, by reading the source,
that every code the application writes has a label here."""

from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "login": _("Logged in"),
    "login_failed": _("Login failed"),
    "logout": _("Logged out"),
    "locked_out": _("Account locked out"),
    "account_unlocked": _("Account unlocked"),
    "security_policy_changed": _("Security policy changed"),
    "secrecy_ceiling_changed": _("Secrecy ceiling changed"),
    "user_created": _("Account created"),
    "user_changed": _("Account changed"),
    "unit_created": _("Unit created"),
    "unit_changed": _("Unit changed"),
    "publication_created": _("Publication created"),
    "publication_changed": _("Publication changed"),
    "issuecounter_created": _("Issue numbering created"),
    "issuecounter_changed": _("Issue numbering changed"),
    "issuetotal_created": _("Running issue numbering created"),
    "issuetotal_changed": _("Running issue numbering changed"),
    "publication_settings_changed": _("Publication's settings changed"),
    "office_hours_changed": _("Office hours changed"),
    "office_hours_period_added": _("Office hours period added"),
    "office_hours_period_removed": _("Office hours period removed"),
    "official_days_added": _("Official calendar days added"),
    "official_days_imported": _("Official calendar days imported from the notice"),
    "official_day_removed": _("Official calendar day removed"),
    "calendar_year_published": _("Calendar year published"),
    "duty_shift_added": _("Duty shift added"),
    "duty_shift_deleted": _("Duty shift deleted"),
    "duty_week_repeated": _("Duty week repeated"),
    "duty_log_entry_added": _("Duty log entry added"),
    "duty_handover_started": _("Duty handover started"),
    "duty_handover_signed": _("Duty handover signed"),
    "zero_period_added": _("Zero-report period added"),
    "zero_period_changed": _("Zero-report period changed"),
    "zero_report_filed": _("Zero report filed"),
    "notify_channel_added": _("Notification channel added"),
    "notify_channel_enabled": _("Notification channel enabled"),
    "notify_channel_disabled": _("Notification channel disabled"),
    "notify_channel_removed": _("Notification channel removed"),
    "notify_robot_changed": _("Group robot settings changed"),
    "notify_channel_failing": _("Notification channel failing"),
    "notify_channel_recovered": _("Notification channel working again"),
    "item_created": _("Item created"),
    "item_secrecy_set": _("Item secrecy level set"),
    "item_revised": _("Item revised by the unit"),
    "item_submitted": _("Item sent for sign-off"),
    "item_withdrawn": _("Item withdrawn to draft"),
    "item_signed_off": _("Item signed off and submitted"),
    "item_signoff_refused": _("Item sign-off refused"),
    "item_review_started": _("Item review started"),
    "item_edited": _("Item edited by the section"),
    "item_verified": _("Item marked verified"),
    "item_disputed": _("Item marked disputed"),
    "item_adopted": _("Item adopted"),
    "item_returned": _("Item returned to the unit"),
    "item_filed": _("Item filed without adoption"),
    "item_attached": _("Attachment added to an item"),
    "item_merged": _("Item merged"),
    "item_unmerged": _("Item merge undone"),
    "items_merged": _("Items merged as duplicates"),
    "item_typical": _("Typical-case mark changed"),
    "item_forwarded": _("Item forwarded upward"),
    "adoption_recorded": _("Adoption recorded"),
    "instruction_recorded": _("Leader's instruction recorded"),
    "feedback_filed": _("Instruction feedback filed"),
    "solicitation_issued": _("Solicitation issued"),
    "issue_created": _("Bulletin issue created"),
    "issue_secrecy_set": _("Bulletin issue secrecy level set"),
    "issue_entries_added": _("Items added to an issue"),
    "issue_entry_edited": _("Issue entry edited"),
    "issue_entry_moved": _("Issue entry moved"),
    "issue_entry_removed": _("Issue entry removed"),
    "issue_submitted": _("Issue sent for sign-off"),
    "issue_returned": _("Issue returned"),
    "issue_signed_off": _("Issue signed off"),
    "issue_published": _("Issue published"),
    "editorial_policy_changed": _("Editorial policy changed"),
    "incident_opened": _("Incident opened"),
    "incident_report_filed": _("Emergency report filed"),
    "incident_report_signed_off": _("Emergency report signed off"),
    "incident_closed": _("Incident closed"),
    "incident_level_changed": _("Incident level changed"),
    "incident_policy_reapplied": _("Incident deadlines reapplied"),
    "incident_forwarded": _("Incident forwarded upward"),
    "incident_section_called": _("Section's phone report upward recorded"),
    "incidents_merged": _("Incidents merged as duplicates"),
    "incident_unmerged": _("Incident merge undone"),
    "deadline_rule_changed": _("Deadline rule changed"),
    "matching_window_changed": _("Matching window changed"),
    "level_threshold_changed": _("Level threshold changed"),
    "sensitive_policy_changed": _("Sensitive-events rule changed"),
    "supplement_window_changed": _("Supplementary report window changed"),
    "incident_sensitive_changed": _("Incident's sensitive mark changed"),
    "sighting_recorded": _("Sighting recorded"),
    "sighting_matched": _("Sighting matched to an incident"),
    "sighting_dismissed": _("Sighting dismissed"),
    "violation_detected": _("Violation detected"),
    "violation_entered": _("Violation entered"),
    "violation_explained": _("Violation explained"),
    "violation_confirmed": _("Violation confirmed"),
    "violation_waived": _("Violation waived"),
    "violation_withdrawn": _("Violation withdrawn"),
    "notice_drafted": _("Criticism notice drafted"),
    "notice_secrecy_set": _("Criticism notice secrecy level set"),
    "notice_edited": _("Criticism notice edited"),
    "notice_discarded": _("Criticism notice discarded"),
    "notice_issued": _("Criticism notice issued"),
    "province_notice_recorded": _("Upper-level notice recorded"),
    "notice_policy_changed": _("Notice policy changed"),
    "eligibility_rule_changed": _("Eligibility rule changed"),
    "unit_reinstated": _("Unit reinstated"),
    "reinstatement_revoked": _("Reinstatement revoked"),
    "score_rule_added": _("Score rule added"),
    "score_rule_changed": _("Score rule changed"),
    "ledger_rebuilt": _("Points ledger rebuilt"),
    "unit_class_added": _("Unit class added"),
    "unit_class_changed": _("Unit class changed"),
    "unit_class_removed": _("Unit class removed"),
    "unit_class_assigned": _("Unit class assigned"),
    "award_tier_added": _("Award tier added"),
    "award_tier_changed": _("Award tier changed"),
    "award_tier_removed": _("Award tier removed"),
    "archive_policy_changed": _("Archive policy changed"),
    "circular_issued": _("Circular issued"),
    "report_policy_changed": _("Circular policy changed"),
    "archive.reindex": _("Search index rebuilt"),
    "archive.import_items": _("Items imported"),
    "demo_loaded": _("Demo data loaded"),
    "audit_verified": _("Audit log verified"),
    "audit_exported": _("Audit log exported"),
    "items_exported": _("Item list exported"),
    "audit_archived": _("Audit entries archived"),
    "audit_policy_changed": _("Audit retention changed"),
    "chain_rekeyed": _("Audit chain re-keyed"),
    "account_change_proposed": _("Account change proposed"),
    "account_change_approved": _("Account change approved"),
    "account_change_rejected": _("Account change rejected"),
    "first_password_link_sent": _("First-password link sent"),
    "first_password_set": _("First password set"),
    "password_changed": _("Password changed"),
    "password_reset_requested": _("Password reset link sent"),
    "password_reset_completed": _("Password reset completed"),
    "otp_enrolled": _("Two-step verification set up"),
    "otp_failed": _("Two-step verification code refused"),
    "otp_recovery_code_used": _("Recovery code used"),
    "otp_recovery_codes_renewed": _("Recovery codes renewed"),
    "otp_disabled": _("Two-step verification turned off"),
    "otp_reset": _("Second factor reset by the security administrator"),
    "backup_created": _("Backup written"),
    "backup_restored": _("Backup restored"),
    "egress_allowed": _("Outbound destination allowed"),
    "egress_removed": _("Outbound destination removed"),
    "api_token_created": _("API token created"),
    "api_token_revoked": _("API token revoked"),
    "api_rate_limit_changed": _("API rate limit changed"),
    # GB/T 35561 codes and federation between levels (issue 15)
    "categorycode_created": _("Incident category code added"),
    "categorycode_changed": _("Incident category code changed"),
    "incident_code_set": _("Incident category code set"),
    "incident_forward_acknowledged": _("Forwarding acknowledged by the upper office"),
    "federation_link_created": _("Federation link created"),
    "federation_link_changed": _("Federation link changed"),
    "federation_secret_rotated": _("Federation secret rotated"),
    "federation_policy_changed": _("Federation policy changed"),
    "federation_message_filed": _("Message from another level filed"),
    "federation_message_refused": _("Message refused by the other level's system"),
    "federation_message_resent": _("Refused message sent again"),
    "violation_recorded_from_upper": _("Violation recorded from an upper office's notice"),
    "adoption_recorded_from_upper": _("Adoption recorded from the upper office's system"),
    "instruction_recorded_from_upper": _("Instruction recorded from the upper office's system"),
    # the network's people (issue 17)
    "roster_appointed": _("Officer appointed to a unit's post"),
    "roster_post_vacated": _("Unit's post left vacant"),
    "roster_appointment_changed": _("Appointment's details changed"),
    "roster_leave_marked": _("Leave recorded"),
    "roster_leave_cancelled": _("Leave cancelled"),
    "roster_training_recorded": _("Training session recorded"),
    "roster_policy_changed": _("Turnover threshold changed"),
    "network_health_exported": _("Network health exported"),
}

DETAIL_KEYS: dict[str, Promise] = {
    "vendor": _("database"),
    "proposal": _("proposal"),
    "new_account": _("new account"),
    "was_required": _("change was required"),
    "link_created_at": _("link issued at"),
    "tables": _("tables"),
    "entry": _("entry"),
    "ip": _("IP address"),
    "entries": _("entries"),
    "first_break": _("first break"),
    "findings": _("findings"),
    "before": _("before"),
    "ceiling": _("secrecy ceiling"),
    "secrecy": _("secrecy level"),
    "after": _("after"),
    "fields": _("fields changed"),
    "from": _("from state"),
    "to": _("to state"),
    "report": _("report"),
    "return": _("return no."),
    "left": _("recovery codes left"),
    "devices_removed": _("authenticators removed"),
    "replaced": _("replaced an earlier authenticator"),
    "recovery_codes": _("recovery codes issued"),
    "kind": _("kind"),
    "sequence": _("follow-up number"),
    "channel": _("channel"),
    "state": _("state"),
    "status": _("status"),
    "unit": _("unit"),
    "units": _("units"),
    "category": _("category"),
    "level": _("level"),
    "publication": _("publication"),
    "items": _("items"),
    "adoption": _("adoption"),
    "issue": _("issue"),
    "upper_issue": _("issue of the upper publication"),
    "year": _("year"),
    "number": _("number"),
    "total": _("running number"),
    "doc_number": _("document number"),
    "period": _("period"),
    "officer_places": _("outstanding officers named"),
    "officer_min_points": _("officer needs at least (points)"),
    "copy_to": _("copy to"),
    "violations": _("violations"),
    "notices": _("notices"),
    "candidate": _("candidate"),
    "incident": _("incident"),
    "main": _("main record"),
    "moved": _("moved records"),
    "position": _("position"),
    "late": _("late"),
    "count": _("count"),
    "first_seq": _("first entry"),
    "last_seq": _("last entry"),
    "retention_days": _("retention (days)"),
    "old": _("old"),
    "new": _("new"),
    "attempts_cleared": _("failed attempts cleared"),
    "typical": _("typical case"),
    "note": _("note given"),
    "reinstatement": _("reinstatement"),
    "old_head": _("old head hash"),
    "old_first_break": _("old chain's first break"),
    "filters": _("filters"),
    "rows": _("rows"),
    "post": _("post"),
    "person": _("person"),
    "employment": _("full- or part-time"),
    "first_day": _("first day"),
    "last_day": _("last day"),
    "attendees": _("attendees"),
    "sort": _("sorted by"),
    "deaths": _("deaths (including missing)"),
    "serious_injuries": _("seriously injured"),
    "loss_10k_yuan": _("direct loss (10k yuan)"),
    "source": _("source"),
    "strictest_when_sensitive": _("sensitive events on the strictest deadlines"),
    "days": _("days"),
    "reason": _("reason"),
    "via": _("written through"),
    "token": _("API token no."),
    "prefix": _("token prefix"),
    "scope": _("scope"),
    "expires_at": _("expires at"),
    "requests_per_minute": _("requests per minute"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


# The documents' vocabularies (states, kinds, channels, categories), registered by the apps that
# own them from their AppConfig.ready() — audit sits below those apps and does not import them —
# each for the actions that name its documents ("item_" for an item's states, "issue_" for an
# issue's: the same code, awaiting_signoff, reads differently on each). Only the values under
# CODED_KEYS are read as codes; anything else is shown as written.
CODED_KEYS = frozenset({"from", "to", "state", "kind", "channel", "category", "status"})
_VOCABULARIES: list[tuple[tuple[str, ...], dict[str, Promise | str]]] = []


def register_vocabularies(
    actions: tuple[str, ...], *vocabularies: type[models.TextChoices]
) -> None:
    """Show the codes of `vocabularies` as their labels in entries whose action starts with one
    of `actions`."""
    codes: dict[str, Promise | str] = {}
    for vocabulary in vocabularies:
        for code, label in vocabulary.choices:
            codes.setdefault(str(code), label)
    _VOCABULARIES.append((actions, codes))


def vocabulary(action: str) -> dict[str, Promise | str]:
    codes: dict[str, Promise | str] = {}
    for prefixes, registered in _VOCABULARIES:
        if action.startswith(prefixes):
            codes = registered | codes
    return codes


def _coded(key: str, value: Any, codes: dict[str, Promise | str]) -> str:
    if key in CODED_KEYS and isinstance(value, str) and value in codes:
        return str(codes[value])
    return _value(value, codes)


def _value(value: Any, codes: dict[str, Promise | str] | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return "、".join(_value(v, codes) for v in value) if value else "—"
    if isinstance(value, dict):
        return "；".join(f"{key_label(k)}：{_coded(k, v, codes or {})}" for k, v in value.items())
    return str(value)


def key_label(key: str) -> str:
    label = DETAIL_KEYS.get(key)
    return str(label) if label is not None else key


def details(data: dict[str, Any], action: str = "") -> list[tuple[str, str]]:
    """An entry's details as (translated key, readable value) pairs, in the order written; the
    codes of the vocabularies registered for `action` read as their labels."""
    codes = vocabulary(action)
    return [(key_label(k), _coded(k, v, codes)) for k, v in data.items()]
