"""Create, migrate and seed the benchmark database once; later runs reuse it."""

from __future__ import annotations

import time

from .processes import Database, log, manage

ORGANIZATION_SLUG = "bench"


def prepare_database(
    database: Database,
    env: dict[str, str],
    *,
    products: int,
    movements: int,
    warehouses: int,
    reseed: bool,
) -> dict:
    """Migrated and seeded with exactly these sizes; returns the seed marker (with its timing).

    The organization is seeded once: when the database already carries a marker for the same
    sizes it is reused (`reseeded: false`). Other sizes, or `reseed`, drop and rebuild it, since
    `seed_demo` adds to an existing organization rather than shrinking it.
    """
    wanted = {"products": products, "movements": movements, "warehouses": warehouses}
    marker = database.seed_marker() if database.exists() else None
    same = marker is not None and all(marker.get(key) == value for key, value in wanted.items())
    if database.exists() and (reseed or (marker is not None and not same)):
        why = "--reseed" if reseed else f"seeded with {marker}, {wanted} asked"
        log(f"dropping {database.name} ({why})")
        database.drop()
    if not database.exists():
        database.create()
        log(f"created database {database.name}")
    started = time.monotonic()
    manage(["migrate", "--noinput"], env)
    log(f"migrated in {time.monotonic() - started:.1f}s")
    if same and not reseed:
        log(
            f"organization '{ORGANIZATION_SLUG}' already seeded ({marker['seconds']:.0f}s "
            f"when it was): reusing it"
        )
        return {**marker, "reseeded": False}
    log(
        f"seeding '{ORGANIZATION_SLUG}': {products} products, {movements} movements, "
        f"{warehouses} warehouses (this takes a while at full size)"
    )
    started = time.monotonic()
    manage(
        [
            "seed_demo",
            "--products", str(products),
            "--movements", str(movements),
            "--warehouses", str(warehouses),
            "--organization-slug", ORGANIZATION_SLUG,
        ],
        env,
    )  # fmt: skip
    seconds = time.monotonic() - started
    log(f"seeded in {seconds:.1f}s")
    # ANALYZE so the first scenario does not run on the planner's guesses of an empty table.
    database.psql("ANALYZE")
    marker = {
        **wanted,
        "seconds": round(seconds, 1),
        "seeded_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    database.set_seed_marker(marker)
    return {**marker, "reseeded": True}
