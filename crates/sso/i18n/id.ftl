# Single sign-on (Bahasa Indonesia)
error-sso-client = Aplikasi tidak terdaftar atau dinonaktifkan di Simpul.
error-sso-redirect = Alamat kembali (redirect URI) tidak terdaftar untuk aplikasi ini.
error-sso-request = Permintaan masuk tidak sah: { $why }
error-redirect-uri = Alamat { $uri } tidak dapat dipakai: { $why }.
