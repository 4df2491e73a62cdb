"""The history field of the initiatives' model: versions recorded by the services
(pepites/initiatives/history.py), never by a signal."""

from simple_history.models import HistoricalRecords


class ExplicitHistoricalRecords(HistoricalRecords):
    """HistoricalRecords whose versions are recorded by calling `record_version`."""

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls.history_recorder = self

    def post_save(self, instance, created, using=None, **kwargs):
        return  # recorded by the services once the themes are set too

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        return
