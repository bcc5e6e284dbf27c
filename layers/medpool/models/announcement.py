"""An announcement on the 公告 tab: written by managers, read by every active user."""
from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

LIVE = "live"


class AnnouncementFeedIndex(GlobalSecondaryIndex):
    """Live (not deleted) announcements; read descending: pinned first, then newest first.
    Sparse: a deleted announcement loses its `feed` attribute and leaves the index."""

    class Meta:
        index_name = "feed-feed_key"
        projection = AllProjection()

    feed = UnicodeAttribute(hash_key=True)
    feed_key = UnicodeAttribute(range_key=True)


class Announcement(Model):
    class Meta(BaseMeta):
        table_name = "announcements"

    id = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    pinned = BooleanAttribute(default=False)
    published_at = UnicodeAttribute()
    expires_at = UnicodeAttribute(null=True)
    author_openid = UnicodeAttribute()
    feed = UnicodeAttribute(null=True)  # "live" until deleted
    feed_key = UnicodeAttribute(null=True)  # "<1 pinned | 0>#<published_at>#<id>"
    idempotency_key = UnicodeAttribute(null=True)
    request_fingerprint = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_feed = AnnouncementFeedIndex()

    def place_in_feed(self) -> None:
        """Set the feed position from `pinned` and `published_at` (or take it out once deleted)."""
        if self.deleted_at:
            self.feed = self.feed_key = None
        else:
            self.feed, self.feed_key = LIVE, f"{1 if self.pinned else 0}#{self.published_at}#{self.id}"
