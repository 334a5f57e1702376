from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import Role

STAFF_ROLE_CHOICES = [(Role.STAFF.value, Role.STAFF.label), (Role.STAFF_ADMIN.value, Role.STAFF_ADMIN.label)]


class StaffUserCreateForm(forms.Form):
    username = forms.CharField(label=_("Login ID"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES, initial=Role.STAFF.value)


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
