"""The talent area listens to the recruitment site: a hire recorded there for a person who completed a recognised
programme records that trainee's hire (HZ-17b-hire: the 15 % refund through the employer becomes claimable).

The hire on the site stands on its own: when the person is no trainee awaiting a hire, or the hire cannot count for
the refund (a contract dated before the programme, say), the site's hire is kept and nothing is written here; the
institution or the office can still record the hire in the talent area, where the reason is shown.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from waibao.common.errors import DomainError
from waibao.talent import services

log = logging.getLogger(__name__)


def on_hire_recorded(sender: Any, **kwargs: Any) -> None:
    person_id_hash = kwargs.get("person_id_hash") or ""
    if not person_id_hash:
        return
    try:
        with transaction.atomic():  # a savepoint: a refusal here leaves the site's hire in place
            services.confirm_hire_by_person(
                person_id_hash=person_id_hash,
                employer=kwargs["employer"],
                contract_date=kwargs["contract_date"],
                proof=kwargs.get("proof"),
                source_ref=kwargs.get("source_ref", ""),
                actor=kwargs["actor"],
            )
    except DomainError as refused:
        log.info("hire %s not linked to a trainee: %s", kwargs.get("source_ref", ""), refused.code)


def connect() -> None:
    from waibao.recruitment.signals import hire_recorded

    hire_recorded.connect(on_hire_recorded, dispatch_uid="talent.on_hire_recorded")
