"""The device dossier (设备档案): everything the rules ask to be kept of one device, read by key and
rendered as JSON, an xlsx workbook (one sheet per topic) or a printable PDF."""
