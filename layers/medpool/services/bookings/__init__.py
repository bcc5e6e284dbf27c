"""Bookings (预约): a ward reserves a category, or one device, for a future window; the category must be able
to serve it (capacity), bookings of one category are serialized by its booking book; managers approve, reject
or move them; the scheduled run turns an approved booking into an approved loan holding a device before its
window; a device going to maintenance, or taken by an emergency, surfaces the conflict at once.
See docs/data-and-loans.md, "Bookings"."""
