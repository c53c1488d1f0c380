"""Forms of the shared kernel, and the mixin that gives every form DKFDS markup."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class DkfdsFormMixin:
    """Adds Det Fælles Designsystem's classes and ARIA links to every widget."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hint"

    def full_clean(self) -> None:
        super().full_clean()
        # Errors are known only now; refresh the ARIA attributes that point to them.
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                ids = [f"{bound.auto_id}_error_{i}" for i in range(1, len(self.errors[name]) + 1)]
                if self.fields[name].help_text:
                    ids.insert(0, f"{bound.auto_id}_hint")
                attrs["aria-describedby"] = " ".join(ids)


class SignInForm(DkfdsFormMixin, AuthenticationForm):
    """Django's sign-in form with a message that names neither field as the wrong one."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Forkert brugernavn eller adgangskode. Bemærk: efter tre forkerte forsøg "
            "spærres kontoen."
        ),
        "inactive": _("Kontoen er deaktiveret."),
    }

    username = forms.CharField(
        label=_("Brugernavn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class DkfdsPasswordChangeForm(DkfdsFormMixin, PasswordChangeForm):
    pass
