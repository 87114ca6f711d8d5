"""Signals of the recruitment site, for areas that build on it without the site importing them.

`hire_recorded` is sent when an enterprise records a hire on the site, inside the transaction that records
it (a receiver that raises rolls the hire back; a receiver's own writes commit or roll back with it).
Keyword arguments:

- `person_id_hash` (str): `waibao.common.personal_id.id_hash(id_type, number)` of the person hired, the keyed
  hash trainees are stored under; "" when the job seeker gave no identity number (nothing can be matched).
- `employer` (`registry.Enterprise`): the enterprise that posted the job and hires.
- `contract_date` (`datetime.date`): the date of the labour contract.
- `proof` (`HireProofFile`): the proof of hire already checked like evidence and stored; `kind`
  (`labour_contract` / `social_insurance`), `name` and a fresh `stream` of its bytes on each read, so a
  receiver may check and store its own copy (the shape of `waibao.talent.services.HireProof`).
- `source_ref` (str): `"recruitment:application:<id>"`, the application for the job the hire was recorded on.
- `actor` (`accounts.User`): the enterprise user who recorded the hire.

The lead connects it to `waibao.talent.services.confirm_hire_by_person(...)` (HZ-17b-hire: the 15 % refund).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.dispatch import Signal

hire_recorded = Signal()


@dataclass(frozen=True)
class HireProofFile:
    kind: str
    name: str
    content: bytes
    content_type: str
    sha256: str
    stored_name: str

    @property
    def stream(self) -> IO[bytes]:
        return io.BytesIO(self.content)
