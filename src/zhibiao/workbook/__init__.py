"""The standard workbook: layout (single source of truth), writer, template fill."""
