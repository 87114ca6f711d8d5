"""Who may see and act on postings, job seekers' profiles and CVs, and applications for jobs: one check per kind.

- A posting in a public state (published, or closed past its closing date) is read by everyone, signed in or
  not. A draft, a submitted or a returned posting is read by its enterprise's users and the programme office
  only; anyone else gets 404 (ids cannot be probed).
- A job seeker's profile, CV and identity number are read by that job seeker; the CV copied onto an
  application is read by the job seeker and the enterprise that posted the job, nobody else (not the office:
  it has no need of a CV, and the personal-data rules ask for the fewest readers).
- An application for a job is read by its job seeker and the posting's enterprise; the enterprise shortlists,
  declines and records the hire; the job seeker withdraws.
"""

from __future__ import annotations

from typing import Any

from waibao.accounts.models import Role, User
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.recruitment.models import PUBLIC_STATES, Candidacy, JobSeeker, Posting


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(getattr(user, "role", "") or "")


def owns_posting(user: Any, posting: Posting) -> bool:
    return _role(user) == Role.ENTERPRISE and user.enterprise_id == posting.enterprise_id


def access_posting(user: Any, posting_id: int, *, action: str = "read") -> Posting:
    """`action`: read (see above), edit / applicants (its enterprise), review (the programme office)."""
    posting = (
        Posting.objects.select_related("enterprise", "category", "zone", "category__parent")
        .filter(pk=posting_id)
        .first()
    )
    if posting is None:
        raise NotFoundError()
    role = _role(user)
    owner = owns_posting(user, posting)
    office = role == Role.PROGRAMME_OFFICE
    if not (posting.status in PUBLIC_STATES or owner or office):
        raise NotFoundError()
    if action == "read":
        return posting
    if action in ("edit", "applicants") and owner:
        return posting
    if action == "review" and office:
        return posting
    raise PermissionDeniedError()


def seeker_of(user: Any) -> JobSeeker:
    """The signed-in job seeker's profile; 403 for every other role (anonymous users are sent to sign in)."""
    if _role(user) != Role.JOB_SEEKER:
        raise PermissionDeniedError()
    seeker = JobSeeker.objects.select_related("user").filter(user_id=user.pk).first()
    if seeker is None:  # a job-seeker account made without its profile (the admin): nothing to show
        raise NotFoundError()
    return seeker


def access_candidacy(user: Any, candidacy_id: int, *, action: str = "read") -> Candidacy:
    """`action`: read (the job seeker, the posting's enterprise), decide (the enterprise: shortlist, decline,
    hire), withdraw (the job seeker). Other roles get 403; a job seeker or enterprise who is not party to it 404."""
    role = _role(user)
    if role not in (Role.JOB_SEEKER, Role.ENTERPRISE):
        raise PermissionDeniedError()
    candidacy = (
        Candidacy.objects.select_related("posting", "posting__enterprise", "seeker", "seeker__user")
        .filter(pk=candidacy_id)
        .first()
    )
    if candidacy is None:
        raise NotFoundError()
    is_seeker = role == Role.JOB_SEEKER and candidacy.seeker.user_id == user.pk
    is_employer = owns_posting(user, candidacy.posting)
    if not (is_seeker or is_employer):
        raise NotFoundError()
    if action == "read":
        return candidacy
    if action == "decide" and is_employer:
        return candidacy
    if action == "withdraw" and is_seeker:
        return candidacy
    raise PermissionDeniedError()


def can_post_jobs(user: Any) -> bool:
    return _role(user) == Role.ENTERPRISE and bool(getattr(user, "enterprise_id", None))


def require_enterprise(user: Any) -> User:
    if not can_post_jobs(user):
        raise PermissionDeniedError()
    assert isinstance(user, User)
    return user


def require_office(user: Any) -> User:
    if _role(user) != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    assert isinstance(user, User)
    return user
