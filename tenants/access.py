"""Who may do what where. Every read of memberships goes through these helpers.

Tenant data is isolated by schema, but memberships live in the public schema: a check always
names the acting user and the municipality of the request, and a user with no membership in
that municipality gets nothing there.
"""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from tenants.models import OPERATOR_ROLES, STAFF_ROLES, Membership, Municipality, Role


def access_membership(user, municipality: Municipality) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if municipality is None or municipality.kind != Municipality.Kind.CITY:
        return None
    return Membership.objects.filter(user=user, municipality=municipality).first()


def access_role(user, municipality: Municipality) -> str | None:
    membership = access_membership(user, municipality)
    return membership.role if membership else None


def access_has_role(user, municipality: Municipality, roles) -> bool:
    return access_role(user, municipality) in {str(role) for role in roles}


def membership_has_role(membership: Membership | None, roles) -> bool:
    return membership is not None and membership.role in {str(role) for role in roles}


def access_municipalities(user, roles=OPERATOR_ROLES):
    """The active cities where `user` holds one of `roles` (the operator console's list)."""
    if not getattr(user, "is_authenticated", False):
        return Municipality.objects.none()
    return (
        Municipality.objects.cities()
        .filter(memberships__user=user, memberships__role__in=sorted(str(role) for role in roles))
        .order_by("name")
        .distinct()
    )


def access_cities_for_platform_admin(user):
    """Every municipality, for a platform administrator; nothing for anybody else."""
    if not access_is_platform_admin(user):
        return Municipality.objects.none()
    return Municipality.objects.cities()


def access_city_for_platform_admin(user, slug: str) -> Municipality | None:
    return access_cities_for_platform_admin(user).filter(schema_name=slug).first()


def access_city_for_platform_admin_or_404(user, slug: str) -> Municipality:
    """The city a platform page names, or 404 for anyone who may not run it (or a city that is not)."""
    city = access_city_for_platform_admin(user, slug)
    if city is None:
        raise Http404
    return city


def access_city_memberships_for_platform_admin(user, municipality: Municipality):
    """Who belongs to `municipality`, for a platform administrator; nothing for anybody else."""
    if not access_is_platform_admin(user):
        return Membership.objects.none()
    return (Membership.objects.filter(municipality=municipality).select_related("user")
            .order_by("role", "user__username"))


def access_is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_platform_admin)


def request_municipality(request) -> Municipality | None:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name != connection.schema_name:
        return None
    return tenant


def municipality_role_required(*roles):
    """View decorator: the user must hold one of `roles` in the municipality of this request."""
    allowed = roles or tuple(Role)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = access_membership(request.user, request_municipality(request))
            if not membership_has_role(membership, allowed):
                raise PermissionDenied
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = municipality_role_required(*STAFF_ROLES)
staff_admin_required = municipality_role_required(Role.STAFF_ADMIN)
operator_required = municipality_role_required(*OPERATOR_ROLES)


def platform_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access_is_platform_admin(request.user) or getattr(request, "tenant", None) is None \
                or request.tenant.kind != Municipality.Kind.PLATFORM:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def operator_console_required(view):
    """The operator console on the platform domain: users with an operator role anywhere."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access_municipalities(request.user).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def dangerously_operator_user_ids(municipality_id: int):
    """Ids of the users who answer calls for this city (an operator role there), as a subquery.

    For the call distribution, which picks an operator for a call no user placed: no acting user,
    so no access check; it reads ids only.
    """
    return (Membership.objects.filter(municipality_id=municipality_id,
                                      role__in=sorted(str(role) for role in OPERATOR_ROLES),
                                      user__is_active=True)
            .values("user_id"))


def access_supervised_municipalities(user):
    """The cities where `user` supervises the call centre (wallboard, reports, settings)."""
    return access_municipalities(user, roles=(Role.OPERATOR_SUPERVISOR,))


def dangerously_city_supervisors(municipality: Municipality):
    """The call-centre supervisors of a city, for alerts no user triggers (no acting user)."""
    from tenants.models import User

    return User.objects.filter(is_active=True, memberships__municipality=municipality,
                               memberships__role=Role.OPERATOR_SUPERVISOR).order_by("username")


def dangerously_operator_user_ids_of(cities):
    """Ids of the operators of any of these cities, as a subquery (the wallboard counts their presence)."""
    return (Membership.objects.filter(municipality__in=cities, role__in=sorted(str(role) for role in OPERATOR_ROLES))
            .values("user_id"))


def dangerously_city_staff_admin_emails(municipality: Municipality) -> list[str]:
    """Where a city's reports go when it set no contact address (no acting user: a task sends them)."""
    return list(Membership.objects.filter(municipality=municipality, role=Role.STAFF_ADMIN, user__is_active=True)
                .exclude(user__email="").order_by("user__email").values_list("user__email", flat=True))


def access_city_staff_for_staff_admin(user, municipality: Municipality):
    """The staff memberships (staff_admin, staff) of `municipality`, for its staff_admin; nothing for others."""
    if not access_has_role(user, municipality, (Role.STAFF_ADMIN,)):
        return Membership.objects.none()
    return (Membership.objects.filter(municipality=municipality, role__in=sorted(STAFF_ROLES))
            .select_related("user").order_by("role", "user__username"))


def access_city_staff_membership_for_staff_admin(user, municipality: Municipality, membership_id) -> Membership | None:
    return access_city_staff_for_staff_admin(user, municipality).filter(pk=membership_id).first()
def dangerously_city_staff_admin_ids(municipality: Municipality):
    """Ids of a city's active staff administrators, as a subquery, for the go-live checklist: it
    describes the city's state whoever looks at it (the platform console or the city itself)."""
    return (Membership.objects.filter(municipality=municipality, role=Role.STAFF_ADMIN, user__is_active=True)
            .values("user_id"))
