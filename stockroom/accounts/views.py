"""Account pages: sign-up, invitations, members, profile, organization settings and switching."""

import json
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, UpdateView, View
from django.views.i18n import set_language

from stockroom.core import ratelimit
from stockroom.core.exceptions import ApplicationError
from stockroom.core.ids import parse_id
from stockroom.core.views import ServiceFormMixin

from . import selectors, services
from .forms import (
    EmailAuthenticationForm,
    InvitationSignupForm,
    InviteForm,
    MemberRoleForm,
    OrganizationCreateForm,
    OrganizationDeleteForm,
    OrganizationForm,
    ProfileForm,
    SignupForm,
)
from .middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from .models import Invitation, Membership, User, canonical_email
from .permissions import MemberRequest, MemberRequiredMixin
from .roles import Action, Role, invitable_roles, role_capabilities

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _activate(request, membership: Membership) -> None:
    request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id


@method_decorator(login_not_required, name="dispatch")
class SignupView(ServiceFormMixin, FormView):
    template_name = "accounts/signup.html"
    form_class = SignupForm
    success_url = reverse_lazy("reports:dashboard")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("reports:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        membership = services.organization_signup(
            email=data["email"],
            password=data["password"],
            full_name=data["full_name"],
            organization_name=data["organization_name"],
            language=self.request.LANGUAGE_CODE,
        )
        login(self.request, membership.user, backend=MODEL_BACKEND)
        _activate(self.request, membership)
        messages.success(
            self.request, _("Welcome! %(name)s is ready.") % {"name": membership.organization}
        )
        return membership


def _too_many_requests(request, template: str, context: dict):
    response = render(request, template, {**context, "rate_limited": True}, status=429)
    response["Retry-After"] = "60"
    return response


class LoginView(auth_views.LoginView):
    """Log-in; besides django-axes' lockout per account and address, each address may try
    LOGIN_RATE_LIMIT times a minute, whichever account it names."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        allowed = ratelimit.hit(
            "login",
            ratelimit.client_ip(request),
            limit=settings.LOGIN_RATE_LIMIT,
            window_seconds=60,
        )
        if not allowed:
            messages.error(request, _("Too many attempts from your network. Wait a minute."))
            return _too_many_requests(request, self.template_name, {"form": self.get_form()})
        return super().post(request, *args, **kwargs)


class NoOrganizationView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """Where a user without any membership lands: start a new organization."""

    template_name = "accounts/no_organization.html"
    form_class = OrganizationCreateForm
    success_url = reverse_lazy("reports:dashboard")

    def perform(self, form):
        membership = services.organization_create(
            name=form.cleaned_data["organization_name"], owner=self.request.user
        )
        _activate(self.request, membership)
        return membership


class OrganizationSwitchView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        organization_id = parse_id(request.POST.get("organization"))
        if organization_id is None:
            raise Http404
        membership = get_object_or_404(
            selectors.memberships_for_user(request.user), organization_id=organization_id
        )
        _activate(request, membership)
        messages.info(request, _("Switched to %(name)s.") % {"name": membership.organization})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("reports:dashboard")
        return HttpResponseRedirect(next_url)


@method_decorator(login_not_required, name="dispatch")
class LanguageSwitchView(View):
    """The navigation's language switcher: Django's set_language (cookie, safe `next`), and a
    signed-in user's choice is saved so it follows them to their next log-in."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        response = set_language(request)
        language = request.POST.get("language", "")
        if request.user.is_authenticated and language in dict(settings.LANGUAGES):
            services.user_set_language(user=request.user, language=language)
        return response


class ProfileView(LoginRequiredMixin, ServiceFormMixin, UpdateView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def perform(self, form):
        user = services.user_update_profile(
            user=self.request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        messages.success(self.request, _("Your profile was saved."))
        return user


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Password reset by email, rate limited per address and per email so it can't be used to
    flood someone's inbox or to probe accounts."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    html_email_template_name = "accounts/email/password_reset_body.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": "Stockroom"}

    def post(self, request, *args, **kwargs):
        email = canonical_email(request.POST.get("email", ""))
        limit = settings.PASSWORD_RESET_RATE_LIMIT
        per_address = ratelimit.hit(
            "password-reset-ip", ratelimit.client_ip(request), limit=limit, window_seconds=3600
        )
        per_email = ratelimit.hit("password-reset-email", email, limit=limit, window_seconds=3600)
        if not (per_address and per_email):
            messages.error(request, _("Too many reset requests. Try again in an hour."))
            return _too_many_requests(request, self.template_name, {"form": self.get_form()})
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(FormView):
    """Shows an invitation; accepts it for the logged-in invitee or signs the invitee up."""

    template_name = "accounts/invitation_accept.html"
    form_class = InvitationSignupForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.invitation: Invitation | None = selectors.invitation_by_token(kwargs["token"])

    def get_context_data(self, **kwargs):
        invitation = self.invitation
        user = self.request.user
        has_account = bool(
            invitation and User.objects.filter(email__iexact=invitation.email).exists()
        )
        return super().get_context_data(
            invitation=invitation,
            usable=bool(invitation and invitation.is_pending),
            has_account=has_account,
            email_matches=bool(
                invitation
                and user.is_authenticated
                and user.email.lower() == invitation.email.lower()
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        token = self.kwargs["token"]
        if request.user.is_authenticated:
            try:
                membership = services.invitation_accept(raw_token=token, user=request.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect(request.path)
            return self._joined(membership)
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            membership = services.invitation_accept_with_signup(
                raw_token=token,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        login(request, membership.user, backend=MODEL_BACKEND)
        return self._joined(membership)

    def _joined(self, membership: Membership):
        _activate(self.request, membership)
        messages.success(
            self.request, _("You joined %(name)s.") % {"name": membership.organization}
        )
        return redirect("reports:dashboard")


# The raw invitation link lives only in this signed, short-lived cookie on the inviter's browser:
# the database (sessions included) never holds it in clear. The Team page shows it once.
INVITATION_LINK_COOKIE = "invitation_link"
INVITATION_LINK_SALT = "stockroom.accounts.invitation_link"
INVITATION_LINK_MAX_AGE = 300


def _remember_invitation_link(request, response, invitation: Invitation) -> None:
    value = json.dumps(
        {
            "user": request.user.pk,
            "organization": invitation.organization_id,
            "email": invitation.email,
            "url": invitation.accept_url,
        }
    )
    response.set_signed_cookie(
        INVITATION_LINK_COOKIE,
        value,
        salt=INVITATION_LINK_SALT,
        max_age=INVITATION_LINK_MAX_AGE,
        path=reverse("accounts:members"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _invitation_link_for(request) -> dict | None:
    """The link just created by this user in this organization, if the cookie holds one."""
    raw = request.get_signed_cookie(
        INVITATION_LINK_COOKIE,
        default=None,
        salt=INVITATION_LINK_SALT,
        max_age=INVITATION_LINK_MAX_AGE,
    )
    if not raw:
        return None
    try:
        link = json.loads(raw)
    except ValueError:
        return None
    # Another user signing in on the same browser, or another active organization, sees nothing.
    if link.get("user") != request.user.pk or link.get("organization") != request.organization.pk:
        return None
    return link


class MembersView(MemberRequiredMixin, TemplateView):
    template_name = "accounts/members.html"

    def get(self, request, *args, **kwargs):
        response = super().get(
            request, *args, invitation_link=_invitation_link_for(request), **kwargs
        )
        if INVITATION_LINK_COOKIE in request.COOKIES:
            response.delete_cookie(
                INVITATION_LINK_COOKIE, path=reverse("accounts:members"), samesite="Lax"
            )
        return response

    def get_context_data(self, **kwargs):
        membership = self.request.membership
        allowed = invitable_roles(membership.role) if membership.can(Action.INVITE_MEMBERS) else ()
        return super().get_context_data(
            members=selectors.organization_members(self.request.organization),
            invitations=selectors.pending_invitations(self.request.organization),
            invite_form=kwargs.pop("invite_form", None) or InviteForm(allowed_roles=allowed),
            can_invite=bool(allowed),
            can_manage=membership.can(Action.MANAGE_MEMBERS),
            role_form=MemberRoleForm(),
            roles=Role.choices,
            role_capabilities=role_capabilities(),
            **kwargs,
        )


class InviteCreateView(MemberRequiredMixin, ServiceFormMixin, FormView):
    write_action = Action.INVITE_MEMBERS
    http_method_names = ["post"]
    form_class = InviteForm
    template_name = "accounts/members.html"
    success_url = reverse_lazy("accounts:members")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "allowed_roles": invitable_roles(self.request.membership.role),
        }

    def perform(self, form):
        invitation = services.invitation_create(
            actor=self.request.membership,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
        )
        return invitation

    def redirect_after(self, form):
        response = super().redirect_after(form)
        _remember_invitation_link(self.request, response, self.object)
        return response

    def form_invalid(self, form):
        view = MembersView(request=self.request, args=self.args, kwargs=self.kwargs)
        return self.render_to_response(view.get_context_data(invite_form=form), status=400)


class MemberActionView(MemberRequiredMixin, View):
    """Base of the member row actions; the membership comes from the active organization."""

    http_method_names = ["post"]
    write_action = Action.VIEW  # each service checks the exact rule (e.g. leaving is allowed)

    def get_membership(self) -> Membership:
        return get_object_or_404(
            selectors.organization_members(cast(MemberRequest, self.request).organization),
            pk=self.kwargs["pk"],
        )

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect("accounts:members")

    def refused(self, exc: ApplicationError):
        messages.error(self.request, exc.message)
        return redirect("accounts:members")


class MemberRoleUpdateView(MemberActionView):
    write_action = Action.MANAGE_MEMBERS

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a valid role."))
            return redirect("accounts:members")
        try:
            services.membership_change_role(
                actor=request.membership, membership=membership, role=form.cleaned_data["role"]
            )
        except ApplicationError as exc:
            return self.refused(exc)
        return self.done(
            _("%(email)s is now %(role)s.")
            % {"email": membership.user.email, "role": membership.get_role_display()}
        )


class MemberRemoveView(MemberActionView):
    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        leaving = membership.pk == request.membership.pk
        if not leaving and not request.membership.can(Action.MANAGE_MEMBERS):
            raise PermissionDenied
        try:
            services.membership_remove(actor=request.membership, membership=membership)
        except ApplicationError as exc:
            return self.refused(exc)
        if leaving:
            request.session.pop(ACTIVE_ORGANIZATION_SESSION_KEY, None)
            messages.success(request, _("You left %(name)s.") % {"name": membership.organization})
            return redirect("reports:dashboard")
        return self.done(_("%(email)s was removed.") % {"email": membership.user.email})


class InvitationRevokeView(MemberActionView):
    write_action = Action.INVITE_MEMBERS

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            selectors.pending_invitations(request.organization), pk=kwargs["pk"]
        )
        try:
            services.invitation_revoke(actor=request.membership, invitation=invitation)
        except ApplicationError as exc:
            return self.refused(exc)
        return self.done(
            _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
        )


class OrganizationSettingsView(MemberRequiredMixin, ServiceFormMixin, UpdateView):
    read_action = Action.MANAGE_ORGANIZATION
    write_action = Action.MANAGE_ORGANIZATION
    template_name = "accounts/organization_settings.html"
    form_class = OrganizationForm
    success_url = reverse_lazy("accounts:organization_settings")

    def get_object(self, queryset=None):
        return self.request.organization

    def get_context_data(self, **kwargs):
        return super().get_context_data(delete_form=OrganizationDeleteForm(), **kwargs)

    def perform(self, form):
        organization = services.organization_update(
            actor=self.request.membership,
            organization=self.request.organization,
            **form.cleaned_data,
        )
        messages.success(self.request, _("Organization settings saved."))
        return organization


class OrganizationDeleteView(MemberRequiredMixin, ServiceFormMixin, FormView):
    read_action = Action.DELETE_ORGANIZATION
    write_action = Action.DELETE_ORGANIZATION
    http_method_names = ["post"]
    form_class = OrganizationDeleteForm
    template_name = "accounts/organization_settings.html"
    success_url = reverse_lazy("reports:dashboard")

    def perform(self, form):
        name = self.request.organization.name
        services.organization_delete(
            actor=self.request.membership,
            organization=self.request.organization,
            confirm_name=form.cleaned_data["confirm_name"],
        )
        self.request.session.pop(ACTIVE_ORGANIZATION_SESSION_KEY, None)
        messages.success(self.request, _("%(name)s was deleted.") % {"name": name})

    def form_invalid(self, form):
        return self.render_to_response(
            {
                "form": OrganizationForm(instance=self.request.organization),
                "delete_form": form,
            },
            status=400,
        )
