package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * R31: zone-carrying dates come back from REMOTE with their zone, whatever the application's mapper does with dates
 * (Jackson's default writes timestamps and reads them back in UTC), and reserialize to the same bytes (what shadow
 * verification compares).
 */
class JsonSerializerZoneTest {

    record Meeting(ZonedDateTime at, OffsetDateTime booked) {
    }

    static final ZonedDateTime ZONED = ZonedDateTime.of(LocalDateTime.of(2024, 10, 27, 2, 30), ZoneId.of("Europe/Paris"))
            .withLaterOffsetAtOverlap();
    static final OffsetDateTime OFFSET = OffsetDateTime.of(LocalDateTime.of(2024, 1, 1, 10, 0), ZoneOffset.ofHours(-7));

    @Test
    void zonedAndOffsetDatesRoundTripWithEitherMapperSetting() throws Exception {
        for (boolean timestamps : new boolean[] { true, false }) {
            ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                    .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, timestamps);
            JsonSerializer json = new JsonSerializer(mapper);
            Meeting m = new Meeting(ZONED, OFFSET);
            byte[] bytes = json.serialize(m, Meeting.class);
            Meeting back = (Meeting) json.deserialize(bytes, Meeting.class);
            assertThat(back).isEqualTo(m);
            assertThat(back.at().getOffset()).isEqualTo(ZoneOffset.ofHours(1)); // the later of the overlap, kept
            assertThat(json.serialize(back, Meeting.class)).isEqualTo(bytes);
            for (Object date : List.of(ZONED, OFFSET)) {
                byte[] b = json.serialize(date, date.getClass());
                assertThat(json.deserialize(b, date.getClass())).isEqualTo(date);
            }
        }
    }
}
