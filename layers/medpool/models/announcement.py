"""An announcement on the 公告 tab: written by managers, read by every active user."""
from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

LIVE = "live"  # announcements without an expiry: feed_key is the feed position
EXPIRING = "expiring"  # announcements with an expiry: feed_key is "<expires_at>#<feed position>"


class AnnouncementFeedIndex(GlobalSecondaryIndex):
    """Not deleted announcements in two partitions: `live` ones (no expiry) read descending are pinned first,
    then newest first; `expiring` ones are keyed on their expiry, so a Query's key condition leaves the expired
    out. Sparse: a deleted announcement loses its `feed` attribute and leaves the index."""

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
    feed = UnicodeAttribute(null=True)  # "live" or "expiring" until deleted
    feed_key = UnicodeAttribute(null=True)  # live: the position; expiring: "<expires_at>#<position>"
    idempotency_key = UnicodeAttribute(null=True)
    request_fingerprint = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_feed = AnnouncementFeedIndex()

    @property
    def position(self) -> str:
        """The place in the feed, sorting descending as shown: "<1 pinned | 0>#<published_at>#<id>"."""
        return f"{1 if self.pinned else 0}#{self.published_at}#{self.id}"

    def place_in_feed(self) -> None:
        """Set the feed partition and key from `pinned`, `published_at` and `expires_at` (or take it out once
        deleted)."""
        if self.deleted_at:
            self.feed = self.feed_key = None
        elif self.expires_at:
            self.feed, self.feed_key = EXPIRING, f"{self.expires_at}#{self.position}"
        else:
            self.feed, self.feed_key = LIVE, self.position

    def serialize(self, null_check: bool = True) -> dict:
        """Every put goes through here: the feed keys follow the fields."""
        self.place_in_feed()
        return super().serialize(null_check=null_check)
