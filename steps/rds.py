"""CIS 2.2.2 (RDS automatic minor version upgrade, automated) and 2.2.4 (RDS Multi-AZ, manual).

The instances are those of the compute step's DescribeDBInstances read (steps/compute_collect.py).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from steps.base import Call, Change, Finding, Severity
from steps.checks import AUTOMATIC, NO_FIX, Check

_DATABASES = "Database Security"
MINOR_UPGRADE = Check("rds-minor-upgrade", "RDS instances get minor engine upgrades automatically", Severity.MEDIUM,
                      ("2.2.2",), ("RDS.13",), AUTOMATIC, _DATABASES)
MULTI_AZ = Check("rds-multi-az", "RDS instances run in more than one Availability Zone", Severity.LOW, ("2.2.4",),
                 ("RDS.5",), NO_FIX, _DATABASES)
CHECKS = (MINOR_UPGRADE, MULTI_AZ)
NO_DATABASES = "No RDS databases in this region."
RDS_LIST_CONSOLE = "https://console.aws.amazon.com/rds/home?region={region}#databases:"


def rds_findings(region: str, dbs: Sequence[Mapping[str, Any]]) -> list[Finding]:
    if not dbs:
        return [check.not_applicable(NO_DATABASES, region=region) for check in CHECKS]
    out = []
    manual_upgrades = [d for d in dbs if d.get("AutoMinorVersionUpgrade") is False]
    for db in manual_upgrades:
        out.append(MINOR_UPGRADE.failed(
            f"Database {db['DBInstanceIdentifier']} ({db.get('Engine')}) does not take minor engine versions "
            "automatically: security patches for its engine wait until someone upgrades it by hand.",
            region=region, resource=db.get("DBInstanceArn") or db["DBInstanceIdentifier"]))
    if not manual_upgrades:
        out.append(MINOR_UPGRADE.passed(f"All {len(dbs)} databases take minor upgrades automatically.",
                                        region=region))
    out.append(_multi_az(region, dbs))
    return out


def _multi_az(region: str, dbs: Sequence[Mapping[str, Any]]) -> Finding:
    """CIS v5.0 marks 2.2.4 manual: a single-AZ development database can be the right choice."""
    # An Aurora instance's availability comes from its cluster's replicas, not from its own MultiAZ flag.
    single = [d["DBInstanceIdentifier"] for d in dbs if not d.get("MultiAZ") and not d.get("DBClusterIdentifier")]
    if not single:
        return MULTI_AZ.passed(f"All {len(dbs)} databases are Multi-AZ or in an Aurora cluster.", region=region)
    return MULTI_AZ.manual(
        "CIS 2.2.4 is a manual check: decide for each single-AZ database whether an Availability Zone outage may "
        f"stop it. In the RDS console ({RDS_LIST_CONSOLE.format(region=region)}) the Multi-AZ column shows each "
        "one; for production ones choose Modify > Availability and durability > Multi-AZ deployment (it doubles "
        "the instance cost, and is applied at the next maintenance window unless applied immediately). "
        f"Single-AZ: {', '.join(single)}.",
        region=region)


def rds_changes(region: str, dbs: Sequence[Mapping[str, Any]]) -> list[Change]:
    """Turn on automatic minor version upgrades, one ModifyDBInstance per database.

    ModifyDBInstance reference (AutoMinorVersionUpgrade): changing it causes no outage unless, in the
    maintenance window, a newer minor version is available and RDS has enabled automatic patching for the
    engine version; the upgrade itself then happens in the maintenance window (a short restart), which is
    why ApplyImmediately stays False. An instance that is not "available" (e.g. "modifying") refuses
    modifications with InvalidDBInstanceState.
    """
    out = []
    for db in dbs:
        if db.get("AutoMinorVersionUpgrade") is not False:
            continue
        name = db["DBInstanceIdentifier"]
        status = db.get("DBInstanceStatus")
        busy = (f" The database is '{status}' now: RDS refuses a change until it is 'available'; apply again "
                "then." if status and status != "available" else "")
        out.append(Change(
            reason=f"Let database {name} in {region} take minor engine upgrades automatically.",
            call=Call("rds", "ModifyDBInstance",
                      {"DBInstanceIdentifier": name, "AutoMinorVersionUpgrade": True, "ApplyImmediately": False},
                      region),
            before=False, after=True,
            undo=Call("rds", "ModifyDBInstance",
                      {"DBInstanceIdentifier": name, "AutoMinorVersionUpgrade": False, "ApplyImmediately": False},
                      region),
            warning="From now on RDS installs new minor versions of the engine in the database's weekly maintenance "
                    "window, with a short restart (a few seconds to minutes; less on Multi-AZ). Nothing restarts "
                    "now." + busy,
            # another change to the same database just before (taking it off the internet) leaves it
            # "modifying" for a while: the apply waits and retries instead of failing midway
            retry_on=("InvalidDBInstanceState",), fixes=(MINOR_UPGRADE.id,)))
    return out
