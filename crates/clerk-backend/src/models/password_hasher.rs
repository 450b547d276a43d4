//! The password hashers Clerk accepts for imported digests. The spec lists them in prose only,
//! so this open enum is written by hand; a hasher Clerk adds later still goes through as
//! `PasswordHasher::Unknown`.

open_enum! {
    /// The algorithm of an imported `password_digest` (spec schema `PasswordHasher`, whose description lists
    /// them).
    pub enum PasswordHasher {
        /// bcrypt.
        Bcrypt = "bcrypt",
        /// Django's bcrypt over SHA-256.
        BcryptSha256Django = "bcrypt_sha256_django",
        /// MD5.
        Md5 = "md5",
        /// PBKDF2 with SHA-1.
        Pbkdf2Sha1 = "pbkdf2_sha1",
        /// PBKDF2 with SHA-256.
        Pbkdf2Sha256 = "pbkdf2_sha256",
        /// Django's PBKDF2 with SHA-256.
        Pbkdf2Sha256Django = "pbkdf2_sha256_django",
        /// PBKDF2 with SHA-512.
        Pbkdf2Sha512 = "pbkdf2_sha512",
        /// PBKDF2 with SHA-512, hex-encoded.
        Pbkdf2Sha512Hex = "pbkdf2_sha512_hex",
        /// phpass.
        Phpass = "phpass",
        /// MD5 inside phpass.
        Md5Phpass = "md5_phpass",
        /// Firebase's scrypt.
        ScryptFirebase = "scrypt_firebase",
        /// Werkzeug's scrypt.
        ScryptWerkzeug = "scrypt_werkzeug",
        /// SHA-256.
        Sha256 = "sha256",
        /// LDAP salted SHA.
        LdapSsha = "ldap_ssha",
        /// Argon2i.
        Argon2i = "argon2i",
        /// Argon2id.
        Argon2id = "argon2id",
        /// Symfony's SHA-512.
        Sha512Symfony = "sha512_symfony",
    }
}
