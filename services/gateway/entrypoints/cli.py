"""`coprocure users ...`: create users (the first admin) from the command line."""

from __future__ import annotations

import click

from shared.errors import ServiceError
from shared.identity import ROLES


@click.group()
def users() -> None:
    """Manage gateway users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="The user's password; asked for (hidden, twice) when not given.")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--organisation", default=None, help="Organisation name (created if missing)")
@click.option("--lived-experience", is_flag=True, default=False)
def create(email: str, password: str, roles: tuple[str, ...], organisation: str | None,
           lived_experience: bool) -> None:
    """Create a user; prints its id."""
    # Imported on use: loading the service layer hashes a dummy password, which
    # `coprocure --help` need not pay for.
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from services.gateway.context import process_context
    from services.gateway.service_layer.users import create_user_with_org_name

    try:
        user = create_user_with_org_name(process_context(), email, password, list(roles),
                                         organisation, lived_experience)
    except ServiceError as problem:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in (problem.errors or {}).items())
        raise click.ClickException(f"{problem.detail}{' — ' + errors if errors else ''}") \
            from problem
    except (OperationalError, ProgrammingError) as exc:  # unreachable, or never migrated
        raise click.ClickException(
            f"Cannot write to the gateway database ({exc.orig.__class__.__name__}: "
            f"{str(exc.orig).strip()}); is COPROCURE_GATEWAY_DATABASE_URL right, and has "
            "`coprocure db upgrade` run?") from None
    click.echo(user["id"])
