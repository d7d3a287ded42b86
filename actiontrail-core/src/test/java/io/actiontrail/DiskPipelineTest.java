package io.actiontrail;

/** Every pipeline test again, against the disk journal in {@link Durability#GROUP} mode. */
class DiskPipelineTest extends PipelineTest {

    @Override
    Durability durability() {
        return Durability.GROUP;
    }
}
