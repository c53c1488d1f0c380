"""Forms of the reports app: the dashboard's filters, ordering a report, ordering an export."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kerne.forms import DkfdsFormMixin
from registrering import rules
from registrering.forms import MonthField

MAX_MONTHS = 36


class DashboardFilterForm(DkfdsFormMixin, forms.Form):
    koordinator = forms.ModelChoiceField(
        label=_("Koordinerende sagsbehandler"),
        required=False,
        queryset=None,
        empty_label=_("Alle sagsbehandlere"),
    )
    fra = MonthField(label=_("Fra måned"), required=False)
    til = MonthField(label=_("Til måned"), required=False)

    def __init__(self, *args, koordinatorer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["koordinator"].queryset = koordinatorer
        self.fields["koordinator"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean(self) -> dict:
        data = super().clean()
        fra, til = data.get("fra"), data.get("til")
        if fra and til:
            if fra > til:
                self.add_error("fra", _("Fra-måneden skal ligge før eller i til-måneden."))
            elif rules.add_months(fra, MAX_MONTHS) <= til:
                self.add_error("fra", _("Perioden må højst være 36 måneder."))
        return data


class RapportBestilForm(DkfdsFormMixin, forms.Form):
    maaned = MonthField(label=_("Måned"))
    ny_revision = forms.BooleanField(
        label=_("Dan en ny revision, selv om rapporten findes"), required=False
    )


class UdtraekBestilForm(DkfdsFormMixin, forms.Form):
    maaned = MonthField(label=_("Måned"))
    projekt = forms.ModelChoiceField(
        label=_("Projekt"), required=False, queryset=None, empty_label=_("Alle mine projekter")
    )

    def __init__(self, *args, projekter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projekt"].queryset = projekter


class MaanedForm(DkfdsFormMixin, forms.Form):
    maaned = MonthField(label=_("Måned"), required=False)
