package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.job.ErrorCode;
import dev.tally.job.Job;
import dev.tally.job.JobError;
import dev.tally.job.JobSource;
import dev.tally.job.JobStatus;
import dev.tally.job.JobSummary;
import dev.tally.job.NewJob;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.text.WordCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.mock.http.MockHttpOutputMessage;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pre-rendered body of a finished job is exactly the job's JSON representation as Spring MVC
 * writes it for any other answer ({@code ?top=} other than the default, the job list, cancel),
 * field for field: the cache can never drift from the contract.
 */
@TallyIntegrationTest
class FinishedJobBodiesTest {

    private static final Instant CREATED = Instant.parse("2026-11-23T10:15:30.123Z");

    @Autowired
    FinishedJobBodies bodies;

    @Autowired
    RequestMappingHandlerAdapter mvc;

    @Autowired
    JsonMapper json;

    @Test
    void aSucceededJobsBodyIsItsRepresentationWithTheDefaultTopWords() throws Exception {
        List<WordCount> words = new ArrayList<>();
        for (int i = 0; i < JobView.DEFAULT_TOP + 2; i++) {
            words.add(new WordCount("word" + i, 100 - i));
        }
        Job job = new Job(UUID.randomUUID(), JobStatus.SUCCEEDED, JobSource.url("https://example.com/a?b=c"), null, 2, 5,
                CREATED, CREATED.plusSeconds(3), CREATED.plusMillis(1), CREATED.plusSeconds(3),
                new JobSummary(1234, 57, words), null, NewJob.ANONYMOUS);

        JsonNode cached = json.readTree(bodies.render(job));

        assertThat(cached).isEqualTo(asMvcWritesIt(job));
        assertThat(cached.get("result").get("topWords")).hasSize(JobView.DEFAULT_TOP);
    }

    @Test
    void aFailedJobsBodyIsItsRepresentationWithTheError() throws Exception {
        Job job = new Job(UUID.randomUUID(), JobStatus.FAILED, JobSource.text(42), null, 3, 9,
                CREATED, CREATED.plusSeconds(7), CREATED.plusMillis(5), CREATED.plusSeconds(7), null,
                new JobError(ErrorCode.HTTP_STATUS, "the page answered 404", false, 404), NewJob.ANONYMOUS);

        JsonNode cached = json.readTree(bodies.render(job));

        assertThat(cached).isEqualTo(asMvcWritesIt(job));
        assertThat(cached.get("error").get("httpStatus").asInt()).isEqualTo(404);
    }

    @Test
    void aJobCancelledBeforeItStartedKeepsItsEmptyFields() throws Exception {
        Job job = new Job(UUID.randomUUID(), JobStatus.CANCELLED, JobSource.url("https://example.com/"), null, 0, 2,
                CREATED, CREATED.plusSeconds(1), null, CREATED.plusSeconds(1), null, null, NewJob.ANONYMOUS);

        JsonNode cached = json.readTree(bodies.render(job));

        assertThat(cached).isEqualTo(asMvcWritesIt(job));
        assertThat(cached.get("startedAt").isNull()).isTrue();
    }

    @Test
    void answersEveryConditionalPollButTheWildcardAsSpringsCheckNotModifiedDoes() throws Exception {
        Job job = new Job(UUID.randomUUID(), JobStatus.SUCCEEDED, JobSource.text(11), null, 1, 3,
                CREATED, CREATED.plusSeconds(2), CREATED.plusMillis(1), CREATED.plusSeconds(2),
                new JobSummary(2, 2, List.of(new WordCount("hello", 1), new WordCount("world", 1))), null,
                NewJob.ANONYMOUS);
        String etag = ETags.of(job, JobView.DEFAULT_TOP);
        String after = "Sat, 01 Jan 2028 00:00:00 GMT";
        String before = "Thu, 01 Jan 2026 00:00:00 GMT";
        List<String[]> conditions = List.of(new String[0],
                new String[] {"If-None-Match", etag}, new String[] {"If-None-Match", "W/" + etag},
                new String[] {"If-None-Match", "\"0-10\", " + etag},
                new String[] {"If-None-Match", "\"0-10\""}, new String[] {"If-None-Match", etag, "If-None-Match", "\"0-10\""},
                new String[] {"If-None-Match", etag, "If-Match", "\"0-10\""},
                new String[] {"If-None-Match", etag, "If-Unmodified-Since", before},
                new String[] {"If-None-Match", etag, "If-Modified-Since", after},
                new String[] {"If-None-Match", "\"0-10\"", "If-Modified-Since", after},
                new String[] {"If-Modified-Since", after}, new String[] {"If-Modified-Since", before});
        for (String[] headers : conditions) {
            var answered = new MockHttpServletResponse();
            var reference = new MockHttpServletResponse();
            MockHttpServletRequest request = poll(headers);

            bodies.answer(job, new ServletWebRequest(request, answered), answered);
            boolean notModified = new ServletWebRequest(poll(headers), reference)
                    .checkNotModified(etag, job.updatedAt().toEpochMilli());

            String what = String.join(": ", headers);
            assertThat(answered.getStatus()).as(what).isEqualTo(reference.getStatus());
            assertThat(answered.getHeader("ETag")).as(what).isEqualTo(reference.getHeader("ETag"));
            assertThat(answered.getHeader("Last-Modified")).as(what).isEqualTo(reference.getHeader("Last-Modified"));
            assertThat(answered.getContentAsByteArray()).as(what)
                    .isEqualTo(notModified ? new byte[0] : bodies.render(job));
        }
    }

    private static MockHttpServletRequest poll(String... headers) {
        var request = new MockHttpServletRequest("GET", "/api/v1/jobs/any");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.addHeader(headers[i], headers[i + 1]);
        }
        return request;
    }

    /** The body Spring MVC writes for the job's representation, with the converter it picks for JSON. */
    @SuppressWarnings("unchecked")
    private JsonNode asMvcWritesIt(Job job) throws Exception {
        HttpMessageConverter<Object> converter = mvc.getMessageConverters().stream()
                .filter(c -> c.canWrite(JobView.class, MediaType.APPLICATION_JSON))
                .map(c -> (HttpMessageConverter<Object>) c)
                .findFirst().orElseThrow();
        var out = new MockHttpOutputMessage();
        converter.write(JobView.of(job, JobView.DEFAULT_TOP), MediaType.APPLICATION_JSON, out);
        return json.readTree(out.getBodyAsBytes());
    }
}
