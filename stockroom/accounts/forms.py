"""Forms of the account pages. They validate input; the services do the writing."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Organization, User, canonical_email
from .roles import Role


class PasswordPairMixin:
    """Two password fields that must match; strength is checked by the service."""

    def clean_password2(self):
        password1 = self.cleaned_data.get("password")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(_("The two passwords do not match."))
        return password2


class SignupForm(PasswordPairMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Work email"), max_length=254)
    organization_name = forms.CharField(label=_("Company name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat password"), strip=False, widget=forms.PasswordInput)

    def clean_email(self):
        return canonical_email(self.cleaned_data["email"])

    def clean_organization_name(self):
        name = self.cleaned_data["organization_name"].strip()
        if not name:
            raise forms.ValidationError(_("The organization needs a name."))
        return name


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class InvitationSignupForm(PasswordPairMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat password"), strip=False, widget=forms.PasswordInput)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, allowed_roles: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role, labels[role]) for role in allowed_roles]
        # Most invitations are for floor staff: never preselect the most powerful role.
        if Role.CLERK in allowed_roles:
            self.fields["role"].initial = Role.CLERK


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "time_zone", "currency", "demand_includes_consumption"]


class OrganizationDeleteForm(forms.Form):
    confirm_name = forms.CharField(label=_("Type the organization's name to confirm"))


class OrganizationCreateForm(forms.Form):
    organization_name = forms.CharField(label=_("Company name"), max_length=150)
