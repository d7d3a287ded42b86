package io.actiontrail.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointSignerTest {

    @TempDir
    Path dir;

    @Test
    void readsAPemPkcs8KeyDerivesItsPublicKeyAndNeverShowsThePrivateOne() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path file = dir.resolve("signing.pem");
        Files.writeString(file, pem);

        CheckpointSigner signer = CheckpointSigner.fromPkcs8("audit.example/log", file);

        assertThat(signer.verifierKey()).isEqualTo(VerifierKey.of("audit.example/log", pair.getPublic()));
        SignedNote note =
                SignedNote.sign("audit.example/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", signer);
        note.verify(signer.verifierKey());
        String secret = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        assertThat(signer.toString()).doesNotContain(secret).contains("audit.example/log");

        // the same key in DER
        Path der = dir.resolve("signing.der");
        Files.write(der, pair.getPrivate().getEncoded());
        assertThat(CheckpointSigner.fromPkcs8("audit.example/log", der).verifierKey())
                .isEqualTo(signer.verifierKey());
    }

    @Test
    void readsAKeyStoreEntry() throws Exception {
        // a PKCS#12 store needs a certificate for a private key entry; the JDK's keytool makes one
        Path store = dir.resolve("keys.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-keyalg",
                        "Ed25519",
                        "-alias",
                        "audit",
                        "-dname",
                        "CN=audit",
                        "-keystore",
                        store.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit",
                        "-validity",
                        "1")
                .redirectErrorStream(true)
                .start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        CheckpointSigner signer =
                CheckpointSigner.fromKeyStore("audit.example/log", keyStore, "audit", "changeit".toCharArray());
        assertThat(signer.verifierKey().publicKey()).hasSize(32);
        assertThatThrownBy(() -> CheckpointSigner.fromKeyStore(
                        "audit.example/log", keyStore, "missing", "changeit".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void refusesWhatIsNotAnEd25519PrivateKeyWithAClearMessage() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> CheckpointSigner.fromPkcs8("k", garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("garbage.pem");
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path rsaFile = dir.resolve("rsa.der");
        Files.write(rsaFile, rsa.getPrivate().getEncoded());
        assertThatThrownBy(() -> CheckpointSigner.fromPkcs8("k", rsaFile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> CheckpointSigner.fromPkcs8("k", dir.resolve("absent.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read");
        KeyPair a = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair b = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThatThrownBy(() -> CheckpointSigner.ed25519("k", a.getPrivate(), b.getPublic()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the private key's");
    }
}
