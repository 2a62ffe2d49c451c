"""What every official document shares (GB/T 9704-2012, FORMS.md §5, §8): units.py (the standard's numbers),
styles.py (a paragraph style per element), page.py (sections, line grid, odd and even page numbers),
letterhead.py (版头 or draft mark, title, 主送, 正文, signature, 版记), tables.py (widths from content,
merged categories), ooxml.py (schema order, fonts, reproducible packages)."""
