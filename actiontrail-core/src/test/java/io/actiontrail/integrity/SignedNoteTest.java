package io.actiontrail.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed notes and checkpoints against the C2SP examples, and Ed25519 signatures made here. */
class SignedNoteTest {

    /** The verifier key and the note of the signed-note specification's example. */
    private static final String SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

    private static final String SPEC_NOTE = "This is an example message.\n\n\u2014 example.com/foo"
            + " Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    @Test
    void verifiesTheSpecificationsExample() {
        VerifierKey key = VerifierKey.parse(SPEC_VKEY);
        assertThat(key.name()).isEqualTo("example.com/foo");
        assertThat(String.format("%08x", key.keyId())).isEqualTo("530d903a");
        assertThat(key.toString()).isEqualTo(SPEC_VKEY);

        SignedNote note = SignedNote.parse(SPEC_NOTE);
        assertThat(note.text()).isEqualTo("This is an example message.\n");
        note.verify(key);
        assertThat(note.toString()).isEqualTo(SPEC_NOTE);

        SignedNote changed = SignedNote.parse(SPEC_NOTE.replace("example message", "exemplary message"));
        assertThatThrownBy(() -> changed.verify(key))
                .isInstanceOf(ProofException.class)
                .hasMessageContaining("changed");
    }

    @Test
    void readsTheSpecificationsCheckpoint() {
        Checkpoint checkpoint = Checkpoint.parse(
                "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
        assertThat(checkpoint.origin()).isEqualTo("example.com/behind-the-sofa");
        assertThat(checkpoint.size()).isEqualTo(20852163);
        assertThat(Base64.getEncoder().encodeToString(checkpoint.rootHash()))
                .isEqualTo("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
        assertThat(checkpoint.body())
                .isEqualTo("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    }

    @Test
    void signsACheckpointThatOnlyItsKeyVerifies() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        KeyPair pair = generator.generateKeyPair();
        KeyPair other = generator.generateKeyPair();
        Checkpoint checkpoint = new Checkpoint("app.example/trail/audit", 8, Merkle.emptyRoot(), List.of());

        SignedNote note =
                SignedNote.sign(checkpoint.body(), "app.example/trail/audit", pair.getPrivate(), pair.getPublic());
        SignedNote read = SignedNote.parse(note.toString());
        VerifierKey key = VerifierKey.of("app.example/trail/audit", pair.getPublic());
        read.verify(key);
        assertThat(Checkpoint.parse(read.text())).isEqualTo(checkpoint);
        assertThat(VerifierKey.parse(key.toString())).isEqualTo(key);
        assertThat(key.fingerprint()).hasSize(64);

        VerifierKey stranger = VerifierKey.of("app.example/trail/audit", other.getPublic());
        assertThatThrownBy(() -> read.verify(stranger)).hasMessageContaining("not signed by");
        VerifierKey renamed = VerifierKey.of("someone.else", pair.getPublic());
        assertThatThrownBy(() -> read.verify(renamed)).hasMessageContaining("not signed by");
        // a signature under the right name and key ID, made by another key: refused, not ignored
        SignedNote forged = new SignedNote(
                note.text(),
                List.of(new SignedNote.NoteSignature(
                        "app.example/trail/audit",
                        key.keyId(),
                        SignedNote.sign(note.text(), "x", other.getPrivate(), other.getPublic())
                                .signatures()
                                .get(0)
                                .signature())));
        assertThatThrownBy(() -> forged.verify(key)).hasMessageContaining("does not verify");
    }

    @Test
    void refusesWhatIsNotANoteOrACheckpoint() {
        for (String bad : new String[] {
            "no blank line\n\u2014 k AAAA\n",
            "text\n\nnot a signature line\n",
            "text\n\n\u2014 k not*base64\n",
            "text\n\n\u2014 k AAAA\n",
            "text\n\n",
            "ctrl\u0007char\n\n\u2014 k AAAAAAAA\n"
        }) {
            assertThatThrownBy(() -> SignedNote.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : new String[] {
            "origin\n8\n",
            "origin\n08\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n",
            "origin\n-1\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n",
            "origin\n8\nAAAA\n",
            "origin\n8\n" + Base64.getEncoder().encodeToString(new byte[32])
        }) {
            assertThatThrownBy(() -> Checkpoint.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> VerifierKey.parse("name+12345678+AAAA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerifierKey.parse(SPEC_VKEY.replace("530d903a", "530d903b")))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> VerifierKey.of("has space", new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
