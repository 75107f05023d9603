# Example (English).
nav-example = Example
example-title = Example entries
example-intro = Each agency records its entries here; the Dinas sees them all.
example-new-title = New entry
example-agency = Agency
example-name = Name
example-status = Status
example-status-draft = Draft
example-status-active = Active
example-note = Note
example-note-hint = At most 2,000 characters.
example-created = Recorded
example-save = Save
