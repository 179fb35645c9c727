"""Daily stock-value snapshots: written off the request path, once per day, equal to the ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest

from django.core.management import CommandError, call_command
from django.urls import reverse

from stockroom.accounts.models import Organization
from stockroom.accounts.tests.factories import MembershipFactory, UserFactory
from stockroom.inventory import services as stock
from stockroom.reports.models import StockValueSnapshot
from stockroom.reports.selectors.dashboard import FINISHED_DAYS, dashboard_charts
from stockroom.reports.selectors.ledger import stock_values_at
from stockroom.reports.selectors.reports import end_of_day, organization_today
from stockroom.reports.services import stock_value_snapshots_backfill
from stockroom.reports.tasks import snapshot_stock_values_for_all_organizations

from .conftest import at


def snapshot_values(organization) -> dict:
    return dict(
        StockValueSnapshot.unscoped.filter(organization=organization).values_list("day", "value")
    )


def test_backfill_values_every_finished_day_from_the_ledger(costed):
    organization, _product = costed
    written = stock_value_snapshots_backfill(organization=organization)

    today = organization_today(organization)
    days = [today - timedelta(days=offset) for offset in range(FINISHED_DAYS, 0, -1)]
    assert [snapshot.day for snapshot in written] == days
    values = snapshot_values(organization)
    assert sorted(values) == days
    assert values[at(11).date()] == Decimal("0.00")
    assert values[at(10).date()] == Decimal("20.00")
    assert values[at(8).date()] == Decimal("12.00")
    assert values[at(6).date()] == Decimal("26.00")
    assert values[at(3).date()] == Decimal("27.00")  # 26.00 + 3 × 0.3333, rounded once
    assert values[at(2).date()] == Decimal("32.00")  # 31.0005 + 0.9999
    # The same rule as the replay the valuation report uses, day by day.
    moments = [end_of_day(organization, day) for day in days]
    assert [values[day] for day in days] == stock_values_at(
        organization=organization, moments=moments
    )


def test_backfill_twice_writes_each_day_once_and_replays_nothing_the_second_time(
    costed, django_assert_num_queries
):
    organization, _product = costed
    stock_value_snapshots_backfill(organization=organization)
    with django_assert_num_queries(1):  # which days exist; no ledger read
        assert stock_value_snapshots_backfill(organization=organization) == []
    assert StockValueSnapshot.unscoped.filter(organization=organization).count() == FINISHED_DAYS


def test_backfill_fills_only_the_missing_days(costed):
    organization, _product = costed
    stock_value_snapshots_backfill(organization=organization)
    before = snapshot_values(organization)
    StockValueSnapshot.unscoped.filter(organization=organization, day=at(6).date()).delete()

    written = stock_value_snapshots_backfill(organization=organization)

    assert [(row.day, row.value) for row in written] == [(at(6).date(), Decimal("26.00"))]
    assert snapshot_values(organization) == before


def test_backfill_follows_the_organization_time_zone(organization):
    # 14 hours ahead of UTC: its "yesterday" is not UTC's.
    organization.time_zone = "Pacific/Kiritimati"
    organization.save(update_fields=["time_zone"])
    written = stock_value_snapshots_backfill(organization=organization, days=2)
    today = organization_today(organization)
    assert [row.day for row in written] == [today - timedelta(days=2), today - timedelta(days=1)]


def test_backfill_refuses_a_window_of_no_days(organization):
    with pytest.raises(ValueError, match="days"):
        stock_value_snapshots_backfill(organization=organization, days=0)


def test_snapshots_are_scoped_to_their_organization(costed, other_organization):
    organization, _product = costed
    stock_value_snapshots_backfill(organization=organization)
    stock_value_snapshots_backfill(organization=other_organization)
    assert set(snapshot_values(other_organization).values()) == {Decimal("0.00")}
    assert snapshot_values(organization)[at(2).date()] == Decimal("32.00")


def test_dashboard_shows_a_day_without_snapshot_as_a_gap(costed, django_assert_max_num_queries):
    organization, _product = costed
    stock_value_snapshots_backfill(organization=organization)
    StockValueSnapshot.unscoped.filter(organization=organization, day=at(6).date()).delete()

    with django_assert_max_num_queries(12):
        series = dashboard_charts(organization)["stock_value"]

    values = dict(zip(series["labels"], series["values"], strict=True))
    assert values[at(6).date().isoformat()] is None
    assert values[at(8).date().isoformat()] == "12.00"
    assert values[at(0).date().isoformat()] == "32.00"  # today: the live valuation


def test_dashboard_without_any_snapshot_does_not_replay_the_ledger(costed):
    organization, _product = costed
    values = dashboard_charts(organization)["stock_value"]["values"]
    assert values[:-1] == [None] * FINISHED_DAYS
    assert values[-1] == "32.00"
    assert not StockValueSnapshot.unscoped.exists()


def test_beat_task_snapshots_only_organizations_whose_day_ended(costed, other_organization):
    organization, _product = costed
    stock_value_snapshots_backfill(organization=organization)

    # Tests run tasks inline: the queued task has written the other organization's days.
    assert snapshot_stock_values_for_all_organizations() == 1
    assert len(snapshot_values(other_organization)) == FINISHED_DAYS
    assert snapshot_stock_values_for_all_organizations() == 0
    assert StockValueSnapshot.unscoped.count() == 2 * FINISHED_DAYS


def test_the_snapshot_task_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["stock-value-snapshots"]
    assert entry["task"] == "stockroom.reports.tasks.snapshot_stock_values_for_all_organizations"
    assert entry["schedule"].minute == {5}
    assert len(entry["schedule"].hour) == 24


def _receive_more(organization, product, quantity, unit_cost, **extra):
    """Receive into the product's first stocked location."""
    level = product.stock_levels.order_by("pk").first()
    stock.stock_receive(
        organization=organization,
        product=product,
        location=level.location,
        quantity=Decimal(quantity),
        unit_cost=Decimal(unit_cost),
        **extra,
    )


def test_a_backdated_movement_revalues_the_days_after_it(
    costed, django_capture_on_commit_callbacks
):
    organization, product = costed
    stock_value_snapshots_backfill(organization=organization)
    before = snapshot_values(organization)
    with django_capture_on_commit_callbacks(execute=True):
        # At the average then: the value grows by exactly 12.00.
        _receive_more(organization, product, "6", "2.00", occurred_at=at(8, hour=13))

    after = snapshot_values(organization)
    assert len(after) == FINISHED_DAYS
    assert after[at(9).date()] == before[at(9).date()]
    assert after[at(8).date()] == before[at(8).date()] + Decimal("12.00")
    assert after[at(7).date()] == Decimal("24.00")


def test_a_movement_posted_now_leaves_the_snapshots_alone(
    costed, django_capture_on_commit_callbacks
):
    organization, product = costed
    stock_value_snapshots_backfill(organization=organization)
    before = list(StockValueSnapshot.unscoped.order_by("day").values_list("pk", "value"))
    with django_capture_on_commit_callbacks(execute=True):
        _receive_more(organization, product, "1", "9")
    assert list(StockValueSnapshot.unscoped.order_by("day").values_list("pk", "value")) == before


def test_backfill_command(costed, capsys):
    organization, _product = costed
    call_command("backfill_stock_values", organization=organization.slug, days=3)
    assert len(snapshot_values(organization)) == 3
    assert f"{organization.slug}: 3 day(s) snapshotted" in capsys.readouterr().out
    call_command("backfill_stock_values", organization=organization.slug, days=3)
    assert f"{organization.slug}: 0 day(s) snapshotted" in capsys.readouterr().out


def test_backfill_command_names_an_unknown_organization(db):
    with pytest.raises(CommandError, match="nope"):
        call_command("backfill_stock_values", organization="nope")


def test_seed_demo_leaves_the_organization_with_its_snapshots(db):
    call_command("seed_demo", products=3, movements=30, organization_slug="seeded")
    organization = Organization.objects.get(slug="seeded")
    values = snapshot_values(organization)
    assert len(values) == FINISHED_DAYS
    moments = [end_of_day(organization, day) for day in sorted(values)]
    assert [values[day] for day in sorted(values)] == stock_values_at(
        organization=organization, moments=moments
    )


def test_admin_lists_snapshots_read_only(member_client, costed):
    organization, _product = costed
    stock_value_snapshots_backfill(organization=organization, days=2)
    # The admin shows a superuser, like anyone, only the organization they are working in.
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = member_client(MembershipFactory(organization=organization, user=superuser))
    snapshot = StockValueSnapshot.unscoped.first()

    assert client.get(reverse("admin:reports_stockvaluesnapshot_changelist")).status_code == 200
    assert client.get(reverse("admin:reports_stockvaluesnapshot_add")).status_code == 403
    change_url = reverse("admin:reports_stockvaluesnapshot_change", args=[snapshot.pk])
    assert client.post(change_url, {"value": "1.00"}).status_code == 403
    delete_url = reverse("admin:reports_stockvaluesnapshot_delete", args=[snapshot.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    snapshot_after = StockValueSnapshot.unscoped.get(pk=snapshot.pk)
    assert snapshot_after.value == snapshot.value


def test_dashboard_with_gaps_queues_the_fill_once(
    client, costed, member_client, django_capture_on_commit_callbacks
):
    """Without beat (make run), the first dashboard with gaps queues the snapshot task (run
    eagerly here); a second view within the hour queues nothing more."""
    from stockroom.accounts.tests.factories import MembershipFactory

    organization, _product = costed
    member_client(MembershipFactory(organization=organization, role="viewer"))
    assert not StockValueSnapshot.unscoped.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert len(snapshot_values(organization)) == FINISHED_DAYS

    StockValueSnapshot.unscoped.filter(organization=organization).delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert callbacks == []
    assert not StockValueSnapshot.unscoped.exists()
