# Example (Bahasa Indonesia). Every key starts with the context's name: catalogues are merged.
nav-example = Contoh
example-title = Catatan contoh
example-intro = Setiap perangkat daerah mencatat entrinya di sini; Dinas melihat semuanya.
example-new-title = Catatan baru
example-agency = Perangkat daerah
example-name = Nama
example-status = Status
example-status-draft = Draf
example-status-active = Aktif
example-note = Keterangan
example-note-hint = Paling banyak 2.000 karakter.
example-created = Dicatat
example-save = Simpan
